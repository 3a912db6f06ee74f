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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries through edge → regional → origin: only idempotent requests with no response yet are
 * retried, and an origin failing everything sees at most the retry budget's share more requests.
 */
class RetryBudgetLoopbackTest {
  private Vertx vertx;
  private ScriptedOrigin origin;
  private final AtomicInteger flaky = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            // Cuts every connection before answering.
            .on("/api/dead/", req -> req.connection().close())
            // Cuts the first connection of each path, answers the second.
            .on(
                "/api/flaky/",
                req -> {
                  if (flaky.incrementAndGet() % 2 == 1) {
                    req.connection().close();
                  } else {
                    req.response().end("second try");
                  }
                });
  }

  @AfterEach
  void stop() {
    origin.close();
    Sync.await(vertx.close());
  }

  @Test
  void aGetWithNoResponseIsRetriedOnce() {
    try (Tiers tiers = new Tiers(vertx, origin.url(), 1);
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      TestClient.Response r = viewer.get("/api/flaky/1");
      assertEquals(200, r.status());
      assertEquals("second try", r.text());
      assertEquals(2, origin.hits("/api/flaky/1"));
    }
  }

  @Test
  void aPostIsNeverRetried() {
    try (Tiers tiers = new Tiers(vertx, origin.url(), 1);
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      TestClient.Response r =
          viewer.request(HttpMethod.POST, "/api/dead/form", null, Buffer.buffer("x=1"));
      assertEquals(502, r.status());
      assertEquals(1, origin.hits("/api/dead/form"));
    }
  }

  @Test
  void anOriginFailingEverythingSeesAtMostTheBudgetInRetries() {
    int requests = 300;
    try (Tiers tiers = new Tiers(vertx, origin.url(), 1);
        TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
      for (int i = 0; i < requests; i++) {
        assertEquals(502, viewer.get("/api/dead/" + i).status());
      }
      int seen = origin.totalHits();
      // 20 % of requests, or 3 per second over the 10-second window, whichever is larger.
      int budget = Math.max(requests / 5, 30);
      assertTrue(seen <= requests + budget, "origin saw " + seen + " for " + requests);
      assertTrue(seen >= requests + 30, "retries were made within the budget: " + seen);
      String metrics = tiers.registry.scrape();
      assertTrue(
          metrics.contains("strata_upstream_retries_denied_total{node=\"regional-0\""), metrics);
    }
  }
}
