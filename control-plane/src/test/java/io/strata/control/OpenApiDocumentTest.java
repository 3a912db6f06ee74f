package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.testing.Sync;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code /v1/openapi.json} true: every route the control plane serves is documented with its
 * method, path parameters and security, every documented operation is served, and every status a
 * route's access rule can produce (401/403) is declared.
 */
class OpenApiDocumentTest {
  @TempDir Path dir;

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsServed() {
    Vertx vertx = Vertx.vertx();
    try {
      ControlPlane cp =
          Sync.await(ControlPlane.start(vertx, TestStores.h2(dir).withAdminToken("t-0123456789")));
      try {
        Api.Reply served = new Api("http://127.0.0.1:" + cp.port(), null).get("/v1/openapi.json");
        assertEquals(200, served.status());
        JsonObject doc = served.json();
        assertTrue(doc.getString("openapi").startsWith("3."));
        JsonObject paths = doc.getJsonObject("paths");

        Set<String> routes = new TreeSet<>();
        for (ApiRoute route : cp.routes()) {
          String method = route.method().name().toLowerCase(Locale.ROOT);
          String key = method + " " + route.template();
          routes.add(key);
          JsonObject item = paths.getJsonObject(route.template());
          assertNotNull(item, "undocumented path " + route.template());
          JsonObject op = item.getJsonObject(method);
          assertNotNull(op, "undocumented operation " + key);
          assertNotNull(op.getString("operationId"), key);
          JsonObject responses = op.getJsonObject("responses");
          boolean isPublic = route.access() == ApiRoute.Access.PUBLIC;
          assertEquals(isPublic, op.getJsonArray("security").isEmpty(), "security of " + key);
          if (!isPublic) {
            assertTrue(responses.containsKey("401"), key + " must declare 401");
            assertTrue(responses.containsKey("403"), key + " must declare 403");
            assertTrue(responses.containsKey("429"), key + " must declare 429");
          }
          if (route.method().name().equals("PUT") || route.method().name().equals("DELETE")) {
            if (route.template().matches("/v1/[a-z-]+/\\{id}")
                && ResourceKind.bySegment(route.template().split("/")[2]).isPresent()) {
              assertTrue(responses.containsKey("412"), key + " must declare 412");
              assertTrue(responses.containsKey("428"), key + " must declare 428");
            }
          }
          Set<String> templateParams = new TreeSet<>();
          var m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(route.template());
          while (m.find()) {
            templateParams.add(m.group(1));
          }
          Set<String> documentedParams = new TreeSet<>();
          if (op.getJsonArray("parameters") != null) {
            op.getJsonArray("parameters")
                .forEach(
                    p -> {
                      JsonObject param = (JsonObject) p;
                      if ("path".equals(param.getString("in"))) {
                        documentedParams.add(param.getString("name"));
                      }
                    });
          }
          assertEquals(templateParams, documentedParams, "path parameters of " + key);
        }

        Set<String> documented = new TreeSet<>();
        paths.forEach(
            e ->
                ((JsonObject) e.getValue())
                    .fieldNames()
                    .forEach(method -> documented.add(method + " " + e.getKey())));
        assertEquals(routes, documented, "documented operations that no route serves");
      } finally {
        Sync.await(cp.close());
      }
    } finally {
      Sync.await(vertx.close());
    }
  }
}
