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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 9111 / RFC 5861 / RFC 9211 / RFC 9213 behaviour through edge → regional → a scripted origin,
 * on one manual clock.
 */
class HttpCachingTest {
  private Vertx vertx;
  private ScriptedOrigin origin;
  private Tiers tiers;
  private TestClient viewer;
  private final AtomicInteger notModified = new AtomicInteger();
  private final AtomicInteger version = new AtomicInteger();
  private final AtomicReference<String> mode = new AtomicReference<>("ok");
  private final AtomicReference<String> lastAcceptEncoding = new AtomicReference<>();
  private static final String TEXT = "<p>compress me</p>\n".repeat(300);

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on("/etag/", this::etagResource)
            .on(
                "/swr/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=10, stale-while-revalidate=60")
                        .end("version " + version.incrementAndGet()))
            .on("/flaky/", req -> flaky(req, "max-age=10"))
            .on("/sie/", req -> flaky(req, "max-age=10, stale-if-error=30"))
            .on("/strict/", req -> flaky(req, "max-age=10, must-revalidate"))
            .on(
                "/vary/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=60")
                        .putHeader("Vary", "X-Variant")
                        .end("varying " + version.incrementAndGet()))
            .on(
                "/opts/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=60")
                        .putHeader("Allow", "GET, HEAD, OPTIONS")
                        .end(req.method() + " answer"))
            .on(
                "/text/",
                req -> {
                  lastAcceptEncoding.set(req.getHeader("Accept-Encoding"));
                  String body = req.path().contains("small") ? "tiny" : TEXT;
                  req.response()
                      .putHeader("Cache-Control", "max-age=60")
                      .putHeader("ETag", "\"t1\"")
                      .putHeader("Content-Type", "text/html; charset=utf-8")
                      .end(body);
                })
            .on(
                "/cdn/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "no-store")
                        .putHeader("CDN-Cache-Control", "max-age=60")
                        .end("targeted"))
            .on(
                "/page/",
                req ->
                    req.body()
                        .onSuccess(
                            b -> {
                              if (req.method() == HttpMethod.GET) {
                                req.response()
                                    .putHeader("Cache-Control", "max-age=600")
                                    .end("page " + version.incrementAndGet());
                              } else {
                                req.response()
                                    .setStatusCode(201)
                                    .putHeader("Location", "/page/other")
                                    .end();
                              }
                            }));
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

  private void etagResource(HttpServerRequest req) {
    req.response().putHeader("Cache-Control", "max-age=10").putHeader("ETag", "\"v1\"");
    if ("\"v1\"".equals(req.getHeader("If-None-Match"))) {
      notModified.incrementAndGet();
      req.response().setStatusCode(304).end();
    } else {
      req.response().end("etag body");
    }
  }

  private void flaky(HttpServerRequest req, String cacheControl) {
    switch (mode.get()) {
      case "503" -> req.response().setStatusCode(503).end("down");
      case "close" -> req.connection().close();
      default ->
          req.response()
              .putHeader("Cache-Control", cacheControl)
              .end("good " + version.incrementAndGet());
    }
  }

  private void advance(int seconds) {
    tiers.clock.advance(Duration.ofSeconds(seconds));
  }

  private static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void staleEntryIsRevalidatedWithIfNoneMatchAndRefreshedBy304() {
    viewer.get("/etag/a");
    advance(11);

    Response refreshed = viewer.get("/etag/a");

    assertEquals(200, refreshed.status());
    assertEquals("etag body", refreshed.text());
    assertEquals("RefreshHit from strata", refreshed.header("X-Cache"));
    assertEquals(1, origin.hits("/etag/a") - notModified.get(), "one full fetch only");
    assertEquals(1, notModified.get());
    assertTrue(
        refreshed
            .header("Cache-Status")
            .endsWith("edge-0; fwd=stale; fwd-status=304; stored; ttl=10"),
        refreshed.header("Cache-Status"));
    Response after = viewer.get("/etag/a");
    assertEquals("Hit from strata", after.header("X-Cache"));
    assertEquals(2, origin.hits("/etag/a"));
  }

  @Test
  void viewerConditionalRequestIsAnswered304FromCache() {
    viewer.get("/etag/c");
    Response conditional =
        viewer.request(
            HttpMethod.GET,
            "/etag/c",
            MultiMap.caseInsensitiveMultiMap().add("If-None-Match", "W/\"v1\", \"other\""),
            null);

    assertEquals(304, conditional.status());
    assertEquals(0, conditional.body().length());
    assertEquals("\"v1\"", conditional.header("ETag"));
    assertEquals(1, origin.hits("/etag/c"));
  }

  @Test
  void failedIfMatchIsAnswered412() {
    viewer.get("/etag/m");
    Response r =
        viewer.request(
            HttpMethod.GET,
            "/etag/m",
            MultiMap.caseInsensitiveMultiMap().add("If-Match", "\"v2\""),
            null);
    assertEquals(412, r.status());
  }

  @Test
  void staleWhileRevalidateServesStaleAtOnceAndRefreshesInTheBackground() {
    assertEquals("version 1", viewer.get("/swr/x").text());
    advance(11);

    Response stale = viewer.get("/swr/x");

    assertEquals("version 1", stale.text());
    assertEquals("Hit from strata", stale.header("X-Cache"));
    assertTrue(
        stale.header("Cache-Status").contains("edge-0; hit; ttl=-1; detail=stale-while-revalidate"),
        stale.header("Cache-Status"));
    eventually(() -> origin.hits("/swr/x") == 2);
    eventually(() -> viewer.get("/swr/x").text().equals("version 2"));
    assertEquals(2, origin.hits("/swr/x"), "one background revalidation, not one per request");
  }

  @Test
  void staleIfErrorServesTheStaleObjectWhenTheOriginAnswers5xx() {
    viewer.get("/sie/x");
    advance(20);
    mode.set("503");

    Response r = viewer.get("/sie/x");

    assertEquals(200, r.status());
    assertEquals("good 1", r.text());
    assertTrue(
        r.header("Cache-Status").contains("detail=served-stale-on-error"),
        r.header("Cache-Status"));
    advance(30);
    assertEquals(503, viewer.get("/sie/x").status(), "past stale-if-error the error is passed on");
  }

  @Test
  void cloudFrontErrorRuleServesExpiredObjectWhenOriginIsUnreachableThenRetriesAfterTheWindow() {
    viewer.get("/flaky/x");
    advance(3600);
    mode.set("close");

    Response first = viewer.get("/flaky/x");
    int hitsAfterFirst = origin.hits("/flaky/x");
    Response second = viewer.get("/flaky/x");

    assertEquals("good 1", first.text());
    assertEquals("good 1", second.text());
    assertEquals(
        hitsAfterFirst, origin.hits("/flaky/x"), "inside the error window: origin left alone");
    advance(11);
    mode.set("ok");
    assertEquals("good 2", viewer.get("/flaky/x").text());
  }

  @Test
  void mustRevalidateNeverServesStale() {
    viewer.get("/strict/x");
    advance(11);
    mode.set("503");
    assertEquals(503, viewer.get("/strict/x").status());
  }

  @Test
  void varyingResponsesAreStoredPerVariant() {
    MultiMap a = MultiMap.caseInsensitiveMultiMap().add("X-Variant", "a");
    MultiMap b = MultiMap.caseInsensitiveMultiMap().add("X-Variant", "b");
    Response first = viewer.request(HttpMethod.GET, "/vary/p", a, null);
    Response againA = viewer.request(HttpMethod.GET, "/vary/p", a, null);
    Response firstB = viewer.request(HttpMethod.GET, "/vary/p", b, null);

    assertEquals(first.text(), againA.text());
    assertEquals("Hit from strata", againA.header("X-Cache"));
    assertTrue(
        firstB.header("Cache-Status").contains("edge-0; fwd=vary-miss"),
        firstB.header("Cache-Status"));
  }

  @Test
  void successfulPostInvalidatesItsTargetAndSameHostLocation() {
    viewer.get("/page/1");
    viewer.get("/page/other");
    assertEquals("Hit from strata", viewer.get("/page/1").header("X-Cache"));

    Response post = viewer.request(HttpMethod.POST, "/page/1", null, Buffer.buffer("change"));

    assertEquals(201, post.status());
    assertEquals("Miss from strata", viewer.get("/page/1").header("X-Cache"));
    assertEquals("Miss from strata", viewer.get("/page/other").header("X-Cache"));
  }

  @Test
  void cdnCacheControlOverridesCacheControlAndIsPassedOn() {
    viewer.get("/cdn/t");
    Response hit = viewer.get("/cdn/t");

    assertEquals("Hit from strata", hit.header("X-Cache"));
    assertEquals("no-store", hit.header("Cache-Control"));
    assertEquals("max-age=60", hit.header("CDN-Cache-Control"));
    assertEquals(1, origin.hits("/cdn/t"));
  }

  @Test
  void cacheStatusNamesWhatEachTierDid() {
    Response miss = viewer.get("/etag/s");
    Response hit = viewer.get("/etag/s");

    assertEquals(
        "regional-0; fwd=uri-miss; fwd-status=200; stored; ttl=10, "
            + "edge-0; fwd=uri-miss; fwd-status=200; stored; ttl=10",
        miss.header("Cache-Status"));
    assertEquals(
        "regional-0; fwd=uri-miss; fwd-status=200; stored; ttl=10, edge-0; hit; ttl=10",
        hit.header("Cache-Status"));
    assertNull(hit.header("Set-Cookie"));
  }

  private Response get(String path, String... headerPairs) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headerPairs.length; i += 2) {
      h.add(headerPairs[i], headerPairs[i + 1]);
    }
    return viewer.request(HttpMethod.GET, path, h, null);
  }

  @Test
  void rangeOnAMissFetchesTheWholeObjectAndAnswersTheRange() {
    Response partial = get("/etag/r", "Range", "bytes=5-8");

    assertEquals(206, partial.status());
    assertEquals("body", partial.text());
    assertEquals("bytes 5-8/9", partial.header("Content-Range"));
    Response whole = viewer.get("/etag/r");
    assertEquals("etag body", whole.text());
    assertEquals("Hit from strata", whole.header("X-Cache"));
    assertEquals("bytes", whole.header("Accept-Ranges"));
    assertEquals(1, origin.hits("/etag/r"));
  }

  @Test
  void rangesAreServedFromTheStoredObject() {
    viewer.get("/etag/rr");

    Response suffix = get("/etag/rr", "Range", "bytes=-4");
    Response open = get("/etag/rr", "Range", "bytes=5-");
    Response multi = get("/etag/rr", "Range", "bytes=0-3,5-8");
    Response unsatisfiable = get("/etag/rr", "Range", "bytes=100-200");
    Response bogus = get("/etag/rr", "Range", "bytes=5-2");
    Response otherUnit = get("/etag/rr", "Range", "items=0-1");

    assertEquals("body", suffix.text());
    assertEquals("body", open.text());
    assertEquals(206, multi.status());
    assertTrue(multi.header("Content-Type").startsWith("multipart/byteranges; boundary="));
    assertTrue(multi.text().contains("Content-Range: bytes 0-3/9"), multi.text());
    assertTrue(multi.text().contains("Content-Range: bytes 5-8/9"), multi.text());
    assertEquals(416, unsatisfiable.status());
    assertEquals("bytes */9", unsatisfiable.header("Content-Range"));
    assertEquals(200, bogus.status());
    assertEquals("etag body", bogus.text());
    assertEquals(200, otherUnit.status());
    assertEquals(1, origin.hits("/etag/rr"));
  }

  @Test
  void ifRangeWithAnotherValidatorGetsTheWholeObject() {
    viewer.get("/etag/ir");
    assertEquals(206, get("/etag/ir", "Range", "bytes=0-3", "If-Range", "\"v1\"").status());
    Response changed = get("/etag/ir", "Range", "bytes=0-3", "If-Range", "\"v0\"");
    assertEquals(200, changed.status());
    assertEquals("etag body", changed.text());
  }

  private static String gunzip(Buffer body) {
    try (var in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body.getBytes()))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void compressibleObjectIsGzippedOnceAndServedToEveryViewerThatAcceptsIt() {
    Response first = get("/text/page", "Accept-Encoding", "gzip, deflate");
    Response second = get("/text/page", "Accept-Encoding", "deflate, gzip;q=0.5");

    assertEquals("gzip", first.header("Content-Encoding"));
    assertEquals(TEXT, gunzip(first.body()));
    assertTrue(first.body().length() < TEXT.length() / 4);
    assertEquals("W/\"t1\"", first.header("ETag"));
    assertTrue(first.header("Vary").contains("Accept-Encoding"), first.header("Vary"));
    assertEquals("Hit from strata", second.header("X-Cache"));
    assertEquals(TEXT, gunzip(second.body()));
    assertEquals("gzip", lastAcceptEncoding.get(), "the origin gets the normalised value");
    assertEquals(1, origin.hits("/text/page"));
  }

  @Test
  void viewerThatAcceptsNoEncodingGetsTheIdentityBody() {
    get("/text/id", "Accept-Encoding", "gzip");
    Response plain = viewer.get("/text/id");

    assertNull(plain.header("Content-Encoding"));
    assertEquals(TEXT, plain.text());
    assertEquals("identity", lastAcceptEncoding.get());
  }

  @Test
  void brotliIsPreferredWhenTheViewerAcceptsIt() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        io.strata.core.compress.BrotliEncoder.isAvailable());
    Response br = get("/text/br", "Accept-Encoding", "gzip, br");
    assertEquals("br", br.header("Content-Encoding"));
    assertTrue(br.body().length() < TEXT.length() / 4);
  }

  @Test
  void smallObjectsAndBehaviorsWithoutCompressAreNotCompressed() {
    Response small = get("/text/small", "Accept-Encoding", "gzip");
    Response uncompressedBehavior = get("/etag/z", "Accept-Encoding", "gzip");

    assertNull(small.header("Content-Encoding"));
    assertEquals("tiny", small.text());
    assertNull(uncompressedBehavior.header("Content-Encoding"));
    assertEquals("etag body", uncompressedBehavior.text());
  }

  @Test
  void originErrorsAreCachedForTheErrorCachingMinimumThenRefetched() {
    mode.set("503");
    Response first = viewer.get("/flaky/err");
    Response second = viewer.get("/flaky/err");

    assertEquals(503, first.status());
    assertEquals(503, second.status());
    assertEquals("Error from strata", second.header("X-Cache"));
    assertEquals(1, origin.hits("/flaky/err"), "the error is served from cache for 10 s");
    advance(11);
    mode.set("ok");
    assertEquals(200, viewer.get("/flaky/err").status());
  }

  @Test
  void optionsIsCachedUnderItsOwnKeyWhenTheBehaviorCachesIt() {
    Response first = viewer.request(HttpMethod.OPTIONS, "/opts/x", null, null);
    Response second = viewer.request(HttpMethod.OPTIONS, "/opts/x", null, null);
    Response get = viewer.get("/opts/x");

    assertEquals("OPTIONS answer", first.text());
    assertEquals("OPTIONS answer", second.text());
    assertEquals("Hit from strata", second.header("X-Cache"));
    assertEquals("GET answer", get.text());
    assertEquals("Miss from strata", get.header("X-Cache"));
    assertEquals(2, origin.hits("/opts/x"));

    viewer.request(HttpMethod.OPTIONS, "/etag/o", null, null);
    viewer.request(HttpMethod.OPTIONS, "/etag/o", null, null);
    assertEquals(2, origin.hits("/etag/o"), "behaviors that do not cache OPTIONS pass it through");
  }
}
