package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Response headers policies on hits, misses and errors, and CORS preflight at the edge. */
class ResponseHeadersPolicyTest {
  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;
  private static TestClient viewer;

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=60")
                        .putHeader("Server", "nginx/1.25")
                        .putHeader("X-Powered-By", "PHP")
                        .putHeader("X-Frame-Options", "SAMEORIGIN")
                        .putHeader("X-Team", "origin")
                        .end("body " + req.path()))
            .on("/missing", req -> req.response().setStatusCode(404).end("nope"));
    tiers = new Tiers(vertx, config(origin.url()), 1, null);
    viewer = new TestClient(vertx, tiers.edge.port());
  }

  @AfterAll
  static void stop() {
    viewer.close();
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  static String config(String originUrl) {
    return String.join(
        "\n",
        "responseHeadersPolicies:",
        "  - id: web",
        "    cors:",
        "      accessControlAllowOrigins: [\"https://app.example.test\","
            + " \"https://*.partner.test\"]",
        "      accessControlAllowMethods: [GET, POST]",
        "      accessControlAllowHeaders: [\"*\"]",
        "      accessControlExposeHeaders: [X-Cache]",
        "      accessControlMaxAgeSec: 600",
        "      accessControlAllowCredentials: true",
        "    securityHeaders:",
        "      strictTransportSecurity: \"max-age=31536000; includeSubDomains\"",
        "      contentTypeOptions: true",
        "      frameOptions: DENY",
        "      referrerPolicy: strict-origin-when-cross-origin",
        "      contentSecurityPolicy: \"default-src 'self'\"",
        "      override: true",
        "    customHeaders:",
        "      - { header: X-Team, value: edge, override: false }",
        "      - { header: X-Served-By, value: strata }",
        "    removeHeaders: [Server, X-Powered-By]",
        "    serverTiming: { enabled: true, samplingRate: 0 }",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1]",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior: { origin: web, responseHeadersPolicy: web }",
        "    behaviors:",
        "      - { pathPattern: /plain/*, origin: web }",
        "      - { pathPattern: /readonly/*, origin: web, allowedMethods: [GET, HEAD],"
            + " responseHeadersPolicy: web }",
        "");
  }

  private static Response get(String path, String... headerPairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(headerPairs[i], headerPairs[i + 1]);
    }
    return viewer.request(HttpMethod.GET, path, headers, null);
  }

  @Test
  void securityCustomAndRemovedHeadersApplyToMissesAndHits() {
    for (String expected : new String[] {"Miss from strata", "Hit from strata"}) {
      Response response = get("/page");
      assertEquals(expected, response.header("X-Cache"));
      assertEquals(
          "max-age=31536000; includeSubDomains", response.header("Strict-Transport-Security"));
      assertEquals("nosniff", response.header("X-Content-Type-Options"));
      assertEquals("DENY", response.header("X-Frame-Options"), "override replaces the origin's");
      assertEquals("strict-origin-when-cross-origin", response.header("Referrer-Policy"));
      assertEquals("default-src 'self'", response.header("Content-Security-Policy"));
      assertEquals("origin", response.header("X-Team"), "override: false keeps the origin's");
      assertEquals("strata", response.header("X-Served-By"));
      assertNull(response.header("Server"));
      assertNull(response.header("X-Powered-By"));
    }
  }

  @Test
  void errorResponsesCarryThePolicyToo() {
    Response response = get("/missing");
    assertEquals(404, response.status());
    assertEquals("nosniff", response.header("X-Content-Type-Options"));
  }

  @Test
  void corsHeadersOnlyForAllowedOrigins() {
    Response allowed = get("/cors", "Origin", "https://app.example.test");
    assertEquals("https://app.example.test", allowed.header("Access-Control-Allow-Origin"));
    assertEquals("true", allowed.header("Access-Control-Allow-Credentials"));
    assertEquals("X-Cache", allowed.header("Access-Control-Expose-Headers"));
    assertTrue(allowed.headers().getAll("Vary").contains("Origin"));
    Response partner = get("/cors", "Origin", "https://eu.partner.test");
    assertEquals("https://eu.partner.test", partner.header("Access-Control-Allow-Origin"));
    Response other = get("/cors", "Origin", "https://evil.test");
    assertNull(other.header("Access-Control-Allow-Origin"));
  }

  @Test
  void preflightIsAnsweredAtTheEdge() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Origin", "https://app.example.test")
            .add("Access-Control-Request-Method", "POST")
            .add("Access-Control-Request-Headers", "content-type, x-token");
    Response preflight = viewer.request(HttpMethod.OPTIONS, "/api/items", headers, null);
    assertEquals(204, preflight.status());
    assertEquals("https://app.example.test", preflight.header("Access-Control-Allow-Origin"));
    assertEquals("GET, POST", preflight.header("Access-Control-Allow-Methods"));
    assertEquals("content-type, x-token", preflight.header("Access-Control-Allow-Headers"));
    assertEquals("600", preflight.header("Access-Control-Max-Age"));
    assertEquals(0, origin.hits("/api/items"));

    headers.set("Origin", "https://evil.test");
    assertEquals(403, viewer.request(HttpMethod.OPTIONS, "/api/items", headers, null).status());
  }

  @Test
  void refusalsByLaterStagesCarryThePolicyToo() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://app.example.test");
    Response refused = viewer.request(HttpMethod.DELETE, "/readonly/x", headers, null);
    assertEquals(403, refused.status());
    assertEquals("https://app.example.test", refused.header("Access-Control-Allow-Origin"));
    assertEquals("nosniff", refused.header("X-Content-Type-Options"));
  }

  @Test
  void serverTimingWhenRequestedByPragma() {
    assertNull(get("/timing").header("Server-Timing"), "sampling rate 0");
    String timing = get("/timing", "Pragma", "server-timing").header("Server-Timing");
    assertTrue(timing.startsWith("cdn-cache-hit,cdn-pop;desc=\"edge-0\",cdn-rid;desc=\""), timing);
    assertTrue(timing.matches(".*cdn-downstream-fbl;dur=[0-9]+\\.[0-9]{3}"), timing);
  }

  @Test
  void behaviorsWithoutAPolicyAreUntouched() {
    Response response = get("/plain/x");
    assertEquals("nginx/1.25", response.header("Server"));
    assertNull(response.header("Strict-Transport-Security"));
  }
}
