package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Origin groups through edge → regional → origins: failover on the configured statuses, connection
 * refusals and timeouts, for GET/HEAD/OPTIONS only, and back to the primary when it recovers.
 */
class OriginGroupFailoverTest {
  private Vertx vertx;
  private ScriptedOrigin primary;
  private ScriptedOrigin secondary;
  private final AtomicBoolean primarySick = new AtomicBoolean(true);

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    primary =
        new ScriptedOrigin(vertx)
            .on("/health", req -> req.response().setStatusCode(primarySick.get() ? 503 : 200).end())
            .on(
                "/",
                req -> {
                  if (primarySick.get()) {
                    req.response().setStatusCode(503).end("primary down");
                  } else {
                    req.response().end("from primary");
                  }
                })
            .on("/forbidden", req -> req.response().setStatusCode(403).end("primary says no"))
            .on("/hang", req -> {});
    secondary =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .end("from secondary " + req.method()));
  }

  @AfterEach
  void stop() {
    primary.close();
    secondary.close();
    Sync.await(vertx.close());
  }

  static String config(String primaryUrl, String secondaryUrl) {
    return String.join(
        "\n",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1]",
        "    origins:",
        "      - id: primary",
        "        url: " + primaryUrl,
        "        connectTimeoutMs: 500",
        "        readTimeoutMs: 400",
        "        healthCheck:",
        "          path: /health",
        "          intervalMs: 100",
        "          timeoutMs: 200",
        "          healthyThreshold: 2",
        "          unhealthyThreshold: 2",
        "          consecutiveFailures: 3",
        "          ejectionMs: 600000",
        "      - id: secondary",
        "        url: " + secondaryUrl,
        "    originGroups:",
        "      - id: pair",
        "        members: [primary, secondary]",
        "        failoverCriteria: { statusCodes: [500, 502, 503, 504, 404] }",
        "    defaultBehavior:",
        "      origin: pair",
        "      allowedMethods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]",
        "      cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
        "    behaviors:",
        "      - pathPattern: /cached/*",
        "        origin: pair",
        "");
  }

  private Tiers tiers(String primaryUrl) {
    return new Tiers(vertx, config(primaryUrl, secondary.url()), 1, null);
  }

  @Test
  void getFailsOverToTheSecondaryOnAConfiguredStatus() {
    try (Tiers tiers = tiers(primary.url());
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      TestClient.Response r = viewer.get("/page");
      assertEquals(200, r.status());
      assertEquals("from secondary GET", r.text());
      assertEquals(1, primary.hits("/page"));
      assertEquals(1, secondary.hits("/page"));
    }
  }

  @Test
  void headAndOptionsFailOverToo() {
    try (Tiers tiers = tiers(primary.url());
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      assertEquals(200, viewer.request(HttpMethod.HEAD, "/h", null, null).status());
      assertEquals(1, secondary.hits("/h"));
      TestClient.Response options = viewer.request(HttpMethod.OPTIONS, "/o", null, null);
      assertEquals(200, options.status());
      assertEquals("from secondary OPTIONS", options.text());
    }
  }

  @Test
  void postIsNeverFailedOver() {
    try (Tiers tiers = tiers(primary.url());
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      TestClient.Response r = viewer.request(HttpMethod.POST, "/form", null, Buffer.buffer("a=1"));
      assertEquals(503, r.status());
      assertEquals("primary down", r.text());
      assertEquals(1, primary.hits("/form"));
      assertEquals(0, secondary.hits("/form"));
    }
  }

  @Test
  void aStatusOutsideTheCriteriaIsServedFromThePrimary() {
    try (Tiers tiers = tiers(primary.url());
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      TestClient.Response r = viewer.get("/forbidden");
      assertEquals(403, r.status());
      assertEquals(0, secondary.hits("/forbidden"));
    }
  }

  @Test
  void refusedConnectionFailsOver() throws java.io.IOException {
    int port;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    try (Tiers tiers = tiers("http://127.0.0.1:" + port);
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      TestClient.Response r = viewer.get("/refused");
      assertEquals(200, r.status());
      assertEquals("from secondary GET", r.text());
    }
  }

  @Test
  void timeoutFailsOver() {
    try (Tiers tiers = tiers(primary.url());
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      TestClient.Response r = viewer.get("/hang");
      assertEquals(200, r.status());
      assertEquals("from secondary GET", r.text());
      assertEquals(1, primary.hits("/hang"));
    }
  }

  @Test
  void failedOverResponseIsCachedLikeAnyOther() {
    try (Tiers tiers = tiers(primary.url());
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      assertEquals("from secondary GET", viewer.get("/cached/a").text());
      TestClient.Response again = viewer.get("/cached/a");
      assertEquals("Hit from strata", again.header("X-Cache"));
      assertEquals(1, secondary.hits("/cached/a"));
    }
  }

  @Test
  void trafficSkipsAnUnhealthyPrimaryAndReturnsWhenItRecovers() {
    try (Tiers tiers = tiers(primary.url());
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      // Three failed requests in a row eject the primary; its checks fail too.
      for (int i = 0; i < 3; i++) {
        assertEquals(200, viewer.get("/p" + i).status());
      }
      waitFor(() -> primary.hits("/health") >= 2, "health checks of the primary");
      int before = primary.totalHits() - primary.hits("/health");
      for (int i = 0; i < 10; i++) {
        assertEquals("from secondary GET", viewer.get("/skip" + i).text());
      }
      assertEquals(
          before,
          primary.totalHits() - primary.hits("/health"),
          "no request goes to the unhealthy primary");

      primarySick.set(false);
      waitFor(
          () -> "from primary".equals(viewer.get("/back").text()),
          "requests back on the primary after two good checks");
      assertEquals("from primary", viewer.get("/back2").text());
      assertEquals(0, secondary.hits("/back2"));
      String metrics = tiers.registry.scrape();
      assertTrue(
          metrics.contains(
              "strata_upstream_failovers_total{node=\"regional-0\",role=\"regional\"}"),
          metrics);
      assertTrue(metrics.contains("strata_upstream_healthy{"), metrics);
    }
  }

  static void waitFor(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
