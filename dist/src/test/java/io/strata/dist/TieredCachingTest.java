package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Edge → regional → origin, all real servers on loopback: the foundation's request path end to end.
 */
class TieredCachingTest {
  private Vertx vertx;
  private ScriptedOrigin origin;
  private Tiers tiers;
  private TestClient viewer;

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/cached/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=60")
                        .putHeader("Content-Type", "text/plain")
                        .end("body of " + req.path()))
            .on(
                "/short/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=10")
                        .end("short " + req.path()))
            .on(
                "/api/",
                req ->
                    req.body()
                        .onSuccess(
                            b ->
                                req.response()
                                    .putHeader("Cache-Control", "max-age=600")
                                    .end(req.method() + " " + req.uri() + " " + b)))
            .on(
                "/cookie/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=60")
                        .putHeader("Set-Cookie", "session=secret-of-first-viewer")
                        .end("cookie page"))
            .on(
                "/hop/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=60")
                        .putHeader("Connection", "X-Internal")
                        .putHeader("X-Internal", "origin-only")
                        .putHeader("Keep-Alive", "timeout=5")
                        .end("hop"))
            .on(
                "/echo-headers/",
                req ->
                    req.response()
                        .end(
                            String.valueOf(req.headers().get("X-Secret"))
                                + "|"
                                + req.headers().get("Via")
                                + "|"
                                + req.headers().get("X-Forwarded-For")));
    tiers = new Tiers(vertx, origin.url(), 1);
    viewer = new TestClient(vertx, tiers.edge.port());
  }

  @AfterEach
  void stop() {
    viewer.close();
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  @Test
  void missThenHitReachesOriginOnce() {
    Response first = viewer.get("/cached/a.txt");
    Response second = viewer.get("/cached/a.txt");

    assertEquals(200, first.status());
    assertEquals("body of /cached/a.txt", first.text());
    assertEquals("Miss from strata", first.header("X-Cache"));
    assertEquals("body of /cached/a.txt", second.text());
    assertEquals("Hit from strata", second.header("X-Cache"));
    assertEquals(1, origin.hits("/cached/a.txt"));
    assertEquals("1.1 regional-0 (strata), 1.1 edge-0 (strata)", second.header("Via"));
    assertEquals("0", second.header("Age"));
    assertEquals("text/plain", second.header("Content-Type"));
    assertNotNull(first.header("X-Strata-Request-Id"));
    assertNotEquals(first.header("X-Strata-Request-Id"), second.header("X-Strata-Request-Id"));
  }

  @Test
  void ageCountsResidentTimeAcrossTiers() {
    viewer.get("/cached/aged");
    tiers.clock.advance(Duration.ofSeconds(7));
    assertEquals("7", viewer.get("/cached/aged").header("Age"));
    assertEquals(1, origin.hits("/cached/aged"));
  }

  @Test
  void expiredObjectIsFetchedAgain() {
    viewer.get("/short/x");
    tiers.clock.advance(Duration.ofSeconds(5));
    assertEquals("Hit from strata", viewer.get("/short/x").header("X-Cache"));
    tiers.clock.advance(Duration.ofSeconds(6));

    Response after = viewer.get("/short/x");

    assertEquals("Miss from strata", after.header("X-Cache"));
    assertEquals(2, origin.hits("/short/x"));
  }

  @Test
  void cachingDisabledBehaviorAlwaysReachesOriginWithItsQuery() {
    Response one = viewer.get("/api/items?page=1");
    Response two = viewer.get("/api/items?page=2");

    assertEquals("GET /api/items?page=1 ", one.text());
    assertEquals("GET /api/items?page=2 ", two.text());
    assertEquals("Miss from strata", two.header("X-Cache"));
    assertEquals(2, origin.hits("/api/items"));
  }

  @Test
  void queryStringIsNeitherKeyedNorForwardedForCachedBehaviors() {
    viewer.get("/cached/q?v=1");
    Response other = viewer.get("/cached/q?v=2");

    assertEquals("Hit from strata", other.header("X-Cache"));
    assertEquals(1, origin.hits("/cached/q"));
  }

  @Test
  void unsafeMethodPassesThroughWithItsBodyAndIsNotCached() {
    Response post =
        viewer.request(HttpMethod.POST, "/cached/form", null, Buffer.buffer("name=strata"));
    Response again =
        viewer.request(HttpMethod.POST, "/cached/form", null, Buffer.buffer("name=again"));

    assertEquals("body of /cached/form", post.text());
    assertEquals(2, origin.hits("/cached/form"));
    assertEquals("Miss from strata", again.header("X-Cache"));
    Response put = viewer.request(HttpMethod.PUT, "/api/thing", null, Buffer.buffer("payload"));
    assertEquals("PUT /api/thing payload", put.text());
  }

  @Test
  void headIsAnsweredFromTheStoredGetResponse() {
    viewer.get("/cached/h");
    Response head = viewer.request(HttpMethod.HEAD, "/cached/h", null, null);

    assertEquals(200, head.status());
    assertEquals("Hit from strata", head.header("X-Cache"));
    assertEquals(String.valueOf("body of /cached/h".length()), head.header("Content-Length"));
    assertEquals(0, head.body().length());
    assertEquals(1, origin.hits("/cached/h"));
  }

  @Test
  void headMissFillsTheCacheForLaterGets() {
    Response head = viewer.request(HttpMethod.HEAD, "/cached/hm", null, null);
    Response get = viewer.get("/cached/hm");

    assertEquals(200, head.status());
    assertEquals(0, head.body().length());
    assertEquals("body of /cached/hm", get.text());
    assertEquals(1, origin.hits("/cached/hm"));
  }

  @Test
  void unknownHostIsRefusedWithoutReachingAnyOrigin() {
    Response r =
        viewer.request(
            HttpMethod.GET,
            "/cached/a",
            MultiMap.caseInsensitiveMultiMap().add("Host", "evil.example"),
            null);

    assertEquals(421, r.status());
    assertEquals("Error from strata", r.header("X-Cache"));
    assertTrue(r.text().contains("No distribution"));
    assertEquals(0, origin.totalHits());
  }

  @Test
  void setCookieOfOneViewerIsNeverStoredForOthers() {
    Response first = viewer.get("/cookie/p");
    Response second = viewer.get("/cookie/p");

    assertNull(first.header("Set-Cookie"));
    assertNull(second.header("Set-Cookie"));
    assertEquals("Hit from strata", second.header("X-Cache"));
  }

  @Test
  void hopByHopHeadersAreNeverForwarded() {
    Response r = viewer.get("/hop/x");
    assertNull(r.header("X-Internal"));
    assertNull(r.header("Keep-Alive"));

    Response echoed =
        viewer.request(
            HttpMethod.POST,
            "/echo-headers/x",
            MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "keep-alive, X-Secret")
                .add("X-Secret", "viewer-only"),
            Buffer.buffer("b"));
    String[] parts = echoed.text().split("\\|");
    assertEquals("null", parts[0]);
    assertEquals("1.1 edge-0 (strata), 1.1 regional-0 (strata)", parts[1]);
    assertTrue(parts[2].startsWith("127.0.0.1"), parts[2]);
  }

  @Test
  void viewerHeadersDoNotReachTheOriginForCachedBehaviors() {
    Response r =
        viewer.request(
            HttpMethod.GET,
            "/echo-headers/c",
            MultiMap.caseInsensitiveMultiMap().add("X-Secret", "viewer-only"),
            null);
    assertTrue(r.text().startsWith("null|"), r.text());
  }

  @Test
  void concurrentColdRequestsThroughBothTiersReachOriginOnce() {
    // The origin sends the head and half the body, then waits until every viewer has the first
    // half:
    // waiters are served while the fill is still arriving (read-while-write), not after it is
    // stored.
    int viewers = 200;
    Buffer firstHalf = Buffer.buffer("x".repeat(32 * 1024));
    Buffer secondHalf = Buffer.buffer("y".repeat(32 * 1024));
    io.vertx.core.Promise<Void> release = io.vertx.core.Promise.promise();
    origin.on(
        "/crowd/",
        req -> {
          var resp =
              req.response()
                  .putHeader("Cache-Control", "max-age=60")
                  .putHeader(
                      "Content-Length", String.valueOf(firstHalf.length() + secondHalf.length()));
          resp.write(firstHalf);
          release.future().onComplete(v -> resp.end(secondHalf));
        });
    java.util.concurrent.atomic.AtomicInteger sawFirstHalf =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Future<Integer>> done = new ArrayList<>();
    for (int i = 0; i < viewers; i++) {
      done.add(
          viewer.onContext(
              () ->
                  viewer
                      .raw()
                      .request(HttpMethod.GET, viewer.port(), "127.0.0.1", "/crowd/hot")
                      .compose(req -> req.send())
                      .compose(
                          resp -> {
                            io.vertx.core.Promise<Integer> total = io.vertx.core.Promise.promise();
                            int[] bytes = {0};
                            boolean[] counted = {false};
                            resp.handler(
                                chunk -> {
                                  bytes[0] += chunk.length();
                                  if (!counted[0] && bytes[0] >= firstHalf.length()) {
                                    counted[0] = true;
                                    if (sawFirstHalf.incrementAndGet() == viewers) {
                                      release.complete();
                                    }
                                  }
                                });
                            resp.endHandler(v -> total.complete(bytes[0]));
                            resp.exceptionHandler(total::tryFail);
                            return total.future();
                          })));
    }
    for (Future<Integer> f : done) {
      assertEquals(64 * 1024, Sync.await(f));
    }
    assertEquals(1, origin.hits("/crowd/hot"));
    assertEquals(
        1, (int) tiers.registry.get("strata.cache.misses").tag("role", "edge").counter().count());
    assertEquals(
        viewers - 1,
        (int) tiers.registry.get("strata.cache.collapsed").tag("role", "edge").counter().count());
  }

  @Test
  void unreachableOriginGives502AndStoresNothing() {
    origin.on("/flaky/", req -> req.connection().close());
    Response r = viewer.get("/flaky/x");

    assertEquals(502, r.status());
    assertEquals("Error from strata", r.header("X-Cache"));
    // Refused at the regional tier, which retried once; the edge saw a 502 answer, not a failure.
    assertEquals(2, origin.hits("/flaky/x"));
    origin.on(
        "/flaky/", req -> req.response().putHeader("Cache-Control", "max-age=60").end("recovered"));
    assertEquals("recovered", viewer.get("/flaky/x").text());
  }

  @Test
  void bodyCutShortIsNeverStored() {
    origin.on(
        "/cut/",
        req -> {
          var resp =
              req.response()
                  .putHeader("Cache-Control", "max-age=60")
                  .putHeader("Content-Length", "100000");
          resp.write(Buffer.buffer(new byte[1000]));
          vertx.setTimer(20, t -> req.connection().close());
        });
    Future<Response> cut = viewer.send(HttpMethod.GET, "/cut/x", null, null);
    assertTrue(
        cut.toCompletionStage()
            .toCompletableFuture()
            .handle((r, e) -> e != null || r.body().length() < 100000)
            .join());
    origin.on("/cut/", req -> req.response().putHeader("Cache-Control", "max-age=60").end("whole"));

    Response after = viewer.get("/cut/x");

    assertEquals("whole", after.text());
  }

  @Test
  void anObjectPastItsRetentionLeavesBothTiersAndIsCountedAsExpired() {
    viewer.get("/short/x");
    assertEquals(1, tiers.edge.store().entryCount());
    // Past its freshness and the stale retention after it: no read comes, the sweep removes it.
    tiers.clock.advance(
        Duration.ofSeconds(11).plusMillis(io.strata.core.server.CacheNode.STALE_RETENTION_MILLIS));
    tiers.edge.store().cleanUp();
    tiers.regionals.get(0).store().cleanUp();

    assertEquals(0, tiers.edge.store().entryCount());
    assertEquals(0, tiers.regionals.get(0).store().entryCount());
    assertEquals(
        1.0,
        tiers
            .registry
            .get("strata.cache.expirations")
            .tag("role", "edge")
            .functionCounter()
            .count());
    assertTrue(
        tiers.registry.scrape().contains("strata_cache_expirations_total{node=\"regional-0\""));
  }

  @Test
  void metricsCountHitsMissesAndBytes() {
    viewer.get("/cached/m");
    viewer.get("/cached/m");
    var edgeHits = tiers.registry.get("strata.cache.hits").tag("role", "edge").counter().count();
    var regionalMisses =
        tiers.registry.get("strata.cache.misses").tag("role", "regional").counter().count();
    assertEquals(1.0, edgeHits);
    assertEquals(1.0, regionalMisses);
    String scrape = tiers.registry.scrape();
    assertTrue(
        scrape.contains("strata_requests_total{node=\"edge-0\",role=\"edge\",status=\"2xx\"} 2.0"),
        scrape);
    assertTrue(scrape.contains("strata_cache_size_bytes{node=\"edge-0\",role=\"edge\"}"));
    assertTrue(scrape.contains("strata_upstream_latency_seconds_bucket"));
  }
}
