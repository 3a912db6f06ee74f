package io.strata.dist;

import static io.strata.dist.OriginGroupFailoverTest.waitFor;
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
import io.strata.regional.RegionalNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admission control at a node: a bounded number of requests in flight to an origin, a bounded queue
 * with a timeout, and the rest shed at once with 503 + Retry-After, while another origin's requests
 * keep their latency.
 */
class AdmissionControlTest {
  private Vertx vertx;
  private ScriptedOrigin slow;
  private ScriptedOrigin fast;
  private final ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private CacheNode node;
  private TestClient viewer;

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    slow =
        new ScriptedOrigin(vertx)
            .on("/", held::add)
            // Answers after 50 ms: a steady origin that can take only so much at once.
            .on("/steady/", req -> vertx.setTimer(50, t -> req.response().end("steady")));
    fast = new ScriptedOrigin(vertx).on("/", req -> req.response().end("fast"));
  }

  @AfterEach
  void stop() {
    held.forEach(r -> r.response().end());
    viewer.close();
    Sync.await(node.close());
    slow.close();
    fast.close();
    Sync.await(vertx.close());
  }

  private void startNode(int queueTimeoutMs) {
    String yaml =
        String.join(
            "\n",
            "distributions:",
            "  - id: site",
            "    aliases: [127.0.0.1]",
            "    origins:",
            "      - id: slow",
            "        url: " + slow.url(),
            "        maxInFlight: 2",
            "        queueLimit: 2",
            "        queueTimeoutMs: " + queueTimeoutMs,
            "      - id: fast",
            "        url: " + fast.url(),
            "    defaultBehavior:",
            "      origin: slow",
            "      cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
            "    behaviors:",
            "      - pathPattern: /fast/*",
            "        origin: fast",
            "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
            "");
    node =
        Sync.await(
            RegionalNode.start(
                vertx,
                "regional-0",
                new ListenOptions("127.0.0.1", 0, 2),
                16L << 20,
                8L << 20,
                new Router(ConfigLoader.parse(yaml, "test.yaml")),
                registry,
                new ManualClock(System.currentTimeMillis())));
    viewer = new TestClient(vertx, node.port());
  }

  @Test
  void requestsBeyondTheQueueAreShedWith503AndRetryAfter() {
    startNode(10_000);
    List<Future<TestClient.Response>> responses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      responses.add(viewer.send(HttpMethod.GET, "/item/" + i, null, null));
    }
    waitFor(() -> held.size() == 2, "two requests in flight at the origin");
    waitFor(
        () -> responses.stream().filter(Future::isComplete).count() == 6,
        "six requests shed at once");
    for (Future<TestClient.Response> f : responses) {
      if (f.isComplete()) {
        TestClient.Response r = f.result();
        assertEquals(503, r.status());
        assertEquals("1", r.header("Retry-After"));
        assertEquals("Error from strata", r.header("X-Cache"));
        assertTrue(r.body().length() < 512, "a short body");
      }
    }
    assertEquals(2, slow.totalHits(), "the origin never saw more than its limit");

    // Another origin is not held up by the overloaded one.
    long started = System.nanoTime();
    assertEquals("fast", viewer.get("/fast/x").text());
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(millis < 500, "the other origin answered in " + millis + " ms");

    // Each answer frees a slot for a queued request: all four admitted requests complete.
    int answered = 0;
    while (answered < 4) {
      waitFor(() -> !held.isEmpty(), "a request in flight");
      held.poll().response().end("done");
      answered++;
    }
    long ok = 0;
    for (Future<TestClient.Response> f : responses) {
      if (Sync.await(f).status() == 200) {
        ok++;
      }
    }
    assertEquals(4, ok);
    assertEquals(4, slow.totalHits());
    waitFor(
        () -> registry.scrape().contains("strata_upstream_inflight{node=\"regional-0\","),
        "the in-flight gauge");
    String metrics = registry.scrape();
    assertTrue(
        metrics.contains(
            "strata_upstream_shed_total{node=\"regional-0\",reason=\"queue_full\",role=\"regional\"}"
                + " 6.0"),
        metrics);
    waitFor(
        () -> registry.scrape().contains("origin=\"" + slow.url() + "\",role=\"regional\"} 0.0"),
        "every slot given back");
  }

  @Test
  void underSustainedOverloadAdmittedRequestsKeepBoundedLatency() {
    startNode(200);
    // 60 requests at once at an origin that takes 2 at a time, 50 ms each: without admission
    // control the last would wait 1.5 s; with a queue of 2 and a 200 ms queue timeout, the admitted
    // ones wait at most about one queue's worth and the rest are told to come back.
    List<Future<TestClient.Response>> responses = new ArrayList<>();
    List<Long> latencies = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Long> shedLatencies = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 60; i++) {
      long t0 = System.nanoTime();
      Future<TestClient.Response> f = viewer.send(HttpMethod.GET, "/steady/" + i, null, null);
      f.onSuccess(
          r ->
              (r.status() == 200 ? latencies : shedLatencies)
                  .add((System.nanoTime() - t0) / 1_000_000));
      responses.add(f);
    }
    int ok = 0;
    int shed = 0;
    for (Future<TestClient.Response> f : responses) {
      int status = Sync.await(f).status();
      if (status == 200) {
        ok++;
      } else {
        assertEquals(503, status);
        shed++;
      }
    }
    assertTrue(ok >= 4 && shed > 0, ok + " admitted, " + shed + " shed");
    long worstAdmitted = latencies.stream().mapToLong(Long::longValue).max().orElseThrow();
    long worstShed = shedLatencies.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(worstAdmitted < 1_000, "slowest admitted request took " + worstAdmitted + " ms");
    assertTrue(worstShed < 1_000, "slowest shed request took " + worstShed + " ms");
  }

  @Test
  void aRequestQueuedPastItsTimeoutIsShed() {
    startNode(200);
    List<Future<TestClient.Response>> responses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      responses.add(viewer.send(HttpMethod.GET, "/q/" + i, null, null));
    }
    waitFor(() -> held.size() == 2, "two requests in flight");
    long started = System.nanoTime();
    TestClient.Response queued = null;
    while (queued == null) {
      for (Future<TestClient.Response> f : responses) {
        if (f.isComplete()) {
          queued = f.result();
        }
      }
      waitFor(() -> responses.stream().anyMatch(Future::isComplete), "the queued request");
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(503, queued.status());
    assertEquals("1", queued.header("Retry-After"));
    assertTrue(millis < 2_000, "shed after its queue timeout, not the origin's: " + millis);
    assertTrue(
        registry
            .scrape()
            .contains(
                "strata_upstream_shed_total{node=\"regional-0\",reason=\"queue_timeout\",role=\"regional\"}"
                    + " 1.0"));
  }
}
