package io.strata.dist;

import static io.strata.dist.OriginGroupFailoverTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.config.HealthCheck;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.time.ManualClock;
import io.strata.edge.EdgeNode;
import io.strata.regional.RegionalNode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Active health checks of regional nodes from the edge: an unhealthy node leaves the consistent
 * hash and rejoins when healthy; with every regional node unhealthy the edge goes to the origin.
 */
class RegionalHealthTest {
  /** Checks every 100 ms; two failures take a node out, two successes bring it back. */
  private static final HealthCheck FAST = new HealthCheck("/", 100, 200, 2, 2, 5, 600_000);

  private Vertx vertx;
  private ScriptedOrigin origin;
  private final ManualClock clock = new ManualClock(System.currentTimeMillis());
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Router router;

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/obj/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .end("origin " + req.path()));
    router = new Router(ConfigLoader.parse(Tiers.config(origin.url()), "test.yaml"));
  }

  @AfterEach
  void stop() {
    origin.close();
    Sync.await(vertx.close());
  }

  private CacheNode edge(List<URI> regionals) {
    return Sync.await(
        EdgeNode.start(
            vertx,
            "edge-0",
            new ListenOptions("127.0.0.1", 0, 2),
            32L << 20,
            8L << 20,
            regionals,
            router,
            registry,
            clock,
            EdgeOptions.DEFAULT,
            FAST,
            null));
  }

  @Test
  void closingTheEdgeStopsItsHealthChecks() throws Exception {
    ScriptedOrigin node =
        new ScriptedOrigin(vertx).on("/", req -> req.response().setStatusCode(200).end());
    CacheNode edge = edge(List.of(URI.create(node.url())));
    try {
      waitFor(() -> node.hits("/") >= 2, "checks of the regional node");
      Sync.await(edge.close());
      int afterClose = node.hits("/");
      // Five check intervals: a check already in flight may still land, no new one starts.
      Thread.sleep(500);
      assertTrue(node.hits("/") <= afterClose + 1, "checks after close: " + node.hits("/"));
    } finally {
      node.close();
    }
  }

  @Test
  void unhealthyRegionalNodeIsSkippedByTheHashAndRejoinsWhenHealthy() {
    CacheNode regional =
        Sync.await(
            RegionalNode.start(
                vertx,
                "regional-0",
                new ListenOptions("127.0.0.1", 0, 1),
                16L << 20,
                8L << 20,
                router,
                registry,
                clock));
    // A second regional node that is up but sick: it answers 503 to everything, checks included.
    AtomicBoolean sick = new AtomicBoolean(true);
    ScriptedOrigin sickNode =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req -> {
                  if (sick.get()) {
                    req.response().setStatusCode(503).end();
                  } else {
                    req.response().putHeader("Cache-Control", "max-age=600").end("sick node ok");
                  }
                });
    CacheNode edge =
        edge(
            List.of(URI.create("http://127.0.0.1:" + regional.port()), URI.create(sickNode.url())));
    try (TestClient viewer = new TestClient(vertx, edge.port())) {
      waitFor(() -> sickNode.hits("/") >= 3, "two failed checks of the sick node");
      for (int i = 0; i < 40; i++) {
        TestClient.Response r = viewer.get("/obj/" + i);
        assertEquals(200, r.status());
        assertEquals("origin /obj/" + i, r.text());
      }
      assertEquals(
          sickNode.hits("/"), sickNode.totalHits(), "only checks reached the unhealthy node");
      assertTrue(
          registry.scrape().contains("kind=\"regional\",node=\"edge-0\",role=\"edge\""),
          "regional health is exported");

      sick.set(false);
      int checks = sickNode.hits("/");
      waitFor(() -> sickNode.hits("/") >= checks + 3, "two good checks of the recovered node");
      int served = 0;
      for (int i = 100; i < 140; i++) {
        if (viewer.get("/obj/" + i).text().equals("sick node ok")) {
          served++;
        }
      }
      assertTrue(served > 0 && served < 40, "keys spread again over both nodes: " + served);
    } finally {
      Sync.await(edge.close());
      Sync.await(regional.close());
      sickNode.close();
    }
  }

  @Test
  void aRegionalNodeStallingMidBodyIsCutAndNothingIsStoredAtTheEdge() {
    // A regional node that sends headers and part of the body, then nothing (checks pass).
    ScriptedOrigin stalling =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req -> {
                  if (req.path().equals("/")) {
                    req.response().setStatusCode(421).end();
                    return;
                  }
                  req.response()
                      .putHeader("Cache-Control", "max-age=600")
                      .putHeader("Content-Length", "10000")
                      .write(io.vertx.core.buffer.Buffer.buffer(new byte[1000]));
                });
    router =
        new Router(
            ConfigLoader.parse(
                Tiers.config(origin.url()).replace("readTimeoutMs: 2000", "readTimeoutMs: 200"),
                "test.yaml"));
    CacheNode edge = edge(List.of(URI.create(stalling.url())));
    try (TestClient viewer = new TestClient(vertx, edge.port())) {
      long started = System.nanoTime();
      boolean cut =
          viewer
              .send(io.vertx.core.http.HttpMethod.GET, "/obj/stalled", null, null)
              .toCompletionStage()
              .toCompletableFuture()
              .handle((r, e) -> e != null || r.body().length() < 10000)
              .join();
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(cut, "never a partial body taken for a whole one");
      // The origin's read timeout plus the 5 s the edge allows the regional tier beyond it.
      assertTrue(millis < 8_000, "cut after " + millis + " ms");
      assertEquals(0, edge.store().entryCount());
    } finally {
      Sync.await(edge.close());
      stalling.close();
    }
  }

  @Test
  void withEveryRegionalNodeUnhealthyTheEdgeGoesToTheOriginDirectly() {
    // Two regional nodes that accept connections and never answer: checks time out.
    ScriptedOrigin hungA = new ScriptedOrigin(vertx).on("/", req -> {});
    ScriptedOrigin hungB = new ScriptedOrigin(vertx).on("/", req -> {});
    CacheNode edge = edge(List.of(URI.create(hungA.url()), URI.create(hungB.url())));
    try (TestClient viewer = new TestClient(vertx, edge.port())) {
      waitFor(
          () -> hungA.hits("/") >= 3 && hungB.hits("/") >= 3, "failed checks of both regionals");
      long started = System.nanoTime();
      TestClient.Response r = viewer.get("/obj/direct");
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(200, r.status());
      assertEquals("origin /obj/direct", r.text());
      assertEquals(1, origin.hits("/obj/direct"));
      assertTrue(millis < 1_000, "answered without waiting on the hung nodes: " + millis + " ms");
      assertEquals(0, hungA.totalHits() - hungA.hits("/"));
      assertEquals(0, hungB.totalHits() - hungB.hits("/"));
    } finally {
      Sync.await(edge.close());
      hungA.close();
      hungB.close();
    }
  }
}
