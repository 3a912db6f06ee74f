package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.time.ManualClock;
import io.strata.edge.EdgeNode;
import io.strata.regional.RegionalNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Filling both tiers far beyond their byte budgets in a JVM with a 192 MiB heap (surefire's
 * argLine) evicts by weight and never runs out of memory; an object larger than a tier's whole
 * budget (but under the max object size) is served in full and stored nowhere.
 */
class CacheFullTest {
  private static final int OBJECT_BYTES = 256 * 1024;
  private static final int OBJECTS = 1_200; // 300 MiB of distinct objects
  private static final long EDGE_BUDGET = 4L << 20;
  private static final long REGIONAL_BUDGET = 8L << 20;
  private static final long MAX_OBJECT_BYTES = 16L << 20;
  private static final int HUGE_BYTES = 12 << 20; // over both budgets, under the max object size

  private Vertx vertx;
  private ScriptedOrigin origin;
  private final Buffer object = Buffer.buffer(new byte[OBJECT_BYTES]);
  private final Buffer huge = Buffer.buffer(new byte[HUGE_BYTES]);

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/obj/",
                req -> req.response().putHeader("Cache-Control", "max-age=600").end(object))
            .on("/huge", req -> req.response().putHeader("Cache-Control", "max-age=600").end(huge));
  }

  @AfterEach
  void stop() {
    origin.close();
    Sync.await(vertx.close());
  }

  @Test
  void fillingFarBeyondTheBudgetEvictsByWeightAndAnObjectOverTheBudgetPassesThrough() {
    Router router = new Router(ConfigLoader.parse(Tiers.config(origin.url()), "test.yaml"));
    ManualClock clock = new ManualClock(System.currentTimeMillis());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CacheNode regional =
        Sync.await(
            RegionalNode.start(
                vertx,
                "regional-0",
                new ListenOptions("127.0.0.1", 0, 1),
                REGIONAL_BUDGET,
                MAX_OBJECT_BYTES,
                router,
                registry,
                clock));
    CacheNode edge =
        Sync.await(
            EdgeNode.start(
                vertx,
                "edge-0",
                new ListenOptions("127.0.0.1", 0, 1),
                EDGE_BUDGET,
                MAX_OBJECT_BYTES,
                List.of(URI.create("http://127.0.0.1:" + regional.port())),
                router,
                registry,
                clock));
    try (TestClient viewer = new TestClient(vertx, edge.port())) {
      long heapBefore = usedHeapAfterGc();
      for (int batch = 0; batch < OBJECTS; batch += 8) {
        List<Future<TestClient.Response>> inFlight = new ArrayList<>();
        for (int i = batch; i < batch + 8; i++) {
          inFlight.add(viewer.send(HttpMethod.GET, "/obj/" + i, null, null));
        }
        for (Future<TestClient.Response> f : inFlight) {
          TestClient.Response r = Sync.await(f);
          assertEquals(200, r.status());
          assertEquals(OBJECT_BYTES, r.body().length());
        }
      }
      long heapAfter = usedHeapAfterGc();
      for (CacheNode node : List.of(edge, regional)) {
        node.store().cleanUp();
        assertTrue(
            node.store().weightedSize() <= node.store().byteBudget(),
            node.tier().role() + " holds " + node.store().weightedSize() + " bytes");
        assertTrue(node.store().evictionCount() > 0, node.tier().role() + " evicted");
        assertTrue(
            node.store().entryCount() < OBJECTS / 10,
            node.tier().role() + " keeps " + node.store().entryCount() + " entries");
      }
      assertTrue(
          heapAfter - heapBefore < 48L << 20,
          "heap grew by " + (heapAfter - heapBefore) + " bytes after 300 MiB of fills");
      assertTrue(registry.scrape().contains("strata_cache_evictions_total"));

      // Larger than a whole budget: served in full from the origin each time, stored nowhere.
      for (int i = 0; i < 2; i++) {
        TestClient.Response r = viewer.get("/huge");
        assertEquals(200, r.status());
        assertEquals(HUGE_BYTES, r.body().length());
      }
      assertEquals(2, origin.hits("/huge"));
      for (CacheNode node : List.of(edge, regional)) {
        node.store().cleanUp();
        assertTrue(node.store().weightedSize() <= node.store().byteBudget());
      }
    } finally {
      Sync.await(edge.close());
      Sync.await(regional.close());
    }
  }

  static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
