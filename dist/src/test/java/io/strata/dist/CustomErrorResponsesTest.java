package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.signing.PemKeys;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Custom error responses at the edge, with the error pages fetched through the behaviors and both
 * tiers (edge → regional → origin), for origin errors and for errors Strata generates itself.
 */
class CustomErrorResponsesTest {
  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;
  private static TestClient viewer;

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on("/", req -> req.response().setStatusCode(404).end("origin 404 for " + req.path()))
            .on(
                "/errors/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=300")
                        .putHeader(
                            "Content-Type",
                            req.path().endsWith(".json") ? "application/json" : "text/html")
                        .end("page " + req.path()))
            .on("/errors/missing.html", req -> req.response().setStatusCode(404).end("gone"))
            .on("/flaky", req -> req.response().setStatusCode(503).end("origin overloaded"))
            .on("/boom", req -> req.response().setStatusCode(500).end("origin stack trace"))
            .on("/ok", req -> req.response().end("fine"))
            .on("/not-allowed", req -> req.response().setStatusCode(405).end("no"))
            .on(
                "/errors/live/",
                req ->
                    req.response()
                        .end("live page, secret header: " + req.getHeader("X-Strata-Error-Page")));
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
        "publicKeys:",
        "  - id: K1",
        "    encodedKey: |",
        PrivateContentTest.indent(
            PemKeys.toPem(PemKeys.generate(PemKeys.KeyType.EC).getPublic()), 6),
        "keyGroups: [{ id: signers, keys: [K1] }]",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1]",
        "    origins:",
        "      - { id: web, url: \"" + originUrl + "\" }",
        "      - { id: dead, url: \"http://127.0.0.1:1\", connectTimeoutMs: 500 }",
        "    defaultBehavior: { origin: web }",
        "    behaviors:",
        "      - pathPattern: /api/*",
        "        origin: web",
        "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
        "        customErrorResponses:",
        "          - { errorCode: 404, responsePagePath: /errors/404.json, responseCode: 404 }",
        "      - { pathPattern: /private/*, origin: web, trustedKeyGroups: [signers] }",
        "      - { pathPattern: /down/*, origin: dead }",
        "      - pathPattern: /errors/live/*",
        "        origin: web",
        "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
        "    customErrorResponses:",
        "      - { errorCode: 404, responsePagePath: /errors/404.html, responseCode: 404 }",
        "      - { errorCode: 403, responsePagePath: /errors/403.html, responseCode: 403 }",
        "      - { errorCode: 503, responsePagePath: /errors/busy.html, responseCode: 200 }",
        "      - { errorCode: 502, responsePagePath: /errors/502.html, responseCode: 502 }",
        "      - { errorCode: 500, responsePagePath: /errors/missing.html, responseCode: 500 }",
        "      - { errorCode: 405, responsePagePath: /errors/live/405.html, responseCode: 405 }",
        "");
  }

  @Test
  void originNotFoundIsAnsweredWithTheErrorPageFetchedThroughTheTiers() {
    Response first = viewer.get("/nothing-here");
    assertEquals(404, first.status());
    assertEquals("page /errors/404.html", first.text());
    assertEquals("text/html", first.header("Content-Type"));
    assertEquals("Error from strata", first.header("X-Cache"));
    assertTrue(first.header("Via").contains("regional-0"), first.header("Via"));
    Response second = viewer.get("/nothing-there");
    assertEquals("page /errors/404.html", second.text());
    // The page is cached like any object: fetched from the origin once.
    assertEquals(1, origin.hits("/errors/404.html"));
  }

  @Test
  void responseCodeReplacesTheStatus() {
    Response response = viewer.get("/flaky");
    assertEquals(200, response.status());
    assertEquals("page /errors/busy.html", response.text());
  }

  @Test
  void behaviorOverrideServesJsonErrorsForTheApi() {
    Response response = viewer.get("/api/users/7");
    assertEquals(404, response.status());
    assertEquals("application/json", response.header("Content-Type"));
    assertEquals("page /errors/404.json", response.text());
  }

  @Test
  void unreachableOriginGets502Page() {
    Response response = viewer.get("/down/x");
    assertEquals(502, response.status());
    assertEquals("page /errors/502.html", response.text());
  }

  @Test
  void strataGeneratedForbiddenUsesTheSameMapping() {
    Response response = viewer.get("/private/report.pdf");
    assertEquals(403, response.status());
    assertEquals("page /errors/403.html", response.text());
  }

  @Test
  void errorPageThatCannotBeFetchedGivesItsOwnStatus() {
    Response response = viewer.get("/boom");
    assertEquals(404, response.status());
    assertEquals("gone", response.text());
  }

  @Test
  void headRequestGetsTheMappedStatusWithoutABody() {
    Response response = viewer.request(HttpMethod.HEAD, "/still-nothing", null, null);
    assertEquals(404, response.status());
    assertEquals(0, response.body().length());
  }

  @Test
  void theInternalPageRequestsSecretNeverReachesTheOrigin() {
    Response response = viewer.get("/not-allowed");
    assertEquals(405, response.status());
    assertEquals("live page, secret header: null", response.text());
  }

  @Test
  void successfulResponsesAreUntouched() {
    assertEquals("fine", viewer.get("/ok").text());
  }
}
