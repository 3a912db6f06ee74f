package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.config.ConfigLoader;
import io.strata.core.config.Distribution;
import io.strata.core.testing.Sync;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributions are stored as documents, so origin groups, health checks and admission limits go
 * through the control plane to the nodes unchanged, and are validated as the nodes validate them.
 */
class OriginGroupsThroughControlPlaneTest {
  @TempDir Path dir;

  private static JsonObject document(String secondMember) {
    JsonObject origin =
        new JsonObject()
            .put("id", "a")
            .put("url", "http://127.0.0.1:8000")
            .put("maxInFlight", 64)
            .put("healthCheck", new JsonObject().put("path", "/healthz").put("intervalMs", 1000));
    return new JsonObject()
        .put(
            "distributions",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("id", "site")
                        .put("aliases", new JsonArray().add("example.com"))
                        .put(
                            "origins",
                            new JsonArray()
                                .add(origin)
                                .add(
                                    new JsonObject()
                                        .put("id", "b")
                                        .put("url", "http://127.0.0.1:8001")))
                        .put(
                            "originGroups",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("id", "pair")
                                        .put("members", new JsonArray().add("a").add(secondMember))
                                        .put(
                                            "failoverCriteria",
                                            new JsonObject()
                                                .put(
                                                    "statusCodes",
                                                    new JsonArray().add(500).add(503)))))
                        .put("defaultBehavior", new JsonObject().put("origin", "pair"))));
  }

  @Test
  void originGroupsAreStoredPublishedAndValidatedLikeTheNodesDo() {
    Vertx vertx = Vertx.vertx();
    ControlPlane cp =
        Sync.await(
            ControlPlane.start(
                vertx, TestStores.h2(dir.resolve("cp")).withAdminToken("groups-admin-token-0123")));
    try {
      Sync.await(cp.importDocument(document("b"), "test"));
      JsonObject published = cp.published().document();
      Distribution site =
          ConfigLoader.parse(published.encode(), "published").distributions().get(0);
      assertEquals("b", site.originGroup("pair").secondary());
      assertEquals("/healthz", site.origin("a").healthCheck().path());
      assertEquals(64, site.origin("a").limits().maxInFlight());

      Throwable refused =
          cp.importDocument(document("c"), "test")
              .toCompletionStage()
              .toCompletableFuture()
              .handle((ok, e) -> e)
              .join();
      assertTrue(
          refused != null && refused.getMessage().contains("originGroups[0].members[1]"),
          String.valueOf(refused));
    } finally {
      Sync.await(cp.close());
      Sync.await(vertx.close());
    }
  }
}
