package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class CachedObjectTest {
  private static final long T0 = 1_800_000_000_000L;

  private static CachedObject object(long lifetime, long swr, long sie, boolean mustRevalidate) {
    return new CachedObject(
        200,
        MultiMap.caseInsensitiveMultiMap().add("ETag", "\"v1\"").add("X-Old", "1"),
        io.strata.core.cache.StoredBody.copyOf(Buffer.buffer("body")),
        T0,
        0,
        new CacheDecision(true, lifetime, false, swr, sie, mustRevalidate, ""));
  }

  @Test
  void ageFollowsRfc9111CorrectedInitialAge() {
    // Sent at T0, answered 2 s later with Age: 5 and a Date 1 s old: corrected age value wins.
    long initial = CachedObject.correctedInitialAgeMillis(T0, T0 + 2_000, 5, T0 + 1_000);
    assertEquals(7_000, initial);
    // A Date far in the past makes the apparent age win.
    assertEquals(60_000, CachedObject.correctedInitialAgeMillis(T0, T0, -1, T0 - 60_000));
  }

  @Test
  void staleWhileRevalidateWindowEndsOnTime() {
    CachedObject o = object(10, 30, -1, false);
    assertTrue(o.isFresh(T0 + 9_999));
    assertFalse(o.isFresh(T0 + 10_000));
    assertTrue(o.servableWhileRevalidating(T0 + 40_000));
    assertFalse(o.servableWhileRevalidating(T0 + 40_001));
  }

  @Test
  void staleIfErrorLimitsServingOnErrorWhenGiven() {
    CachedObject o = object(10, 0, 60, false);
    assertTrue(o.servableOnError(T0 + 70_000));
    assertFalse(o.servableOnError(T0 + 70_001));
  }

  @Test
  void withoutStaleIfErrorCloudFrontServesAnyExpiredObjectOnError() {
    assertTrue(object(10, 0, -1, false).servableOnError(T0 + 86_400_000));
  }

  @Test
  void staleIfErrorZeroAndMustRevalidateForbidServingStale() {
    assertFalse(object(10, 0, 0, false).servableOnError(T0 + 11_000));
    assertFalse(object(10, 30, -1, true).servableOnError(T0 + 11_000));
    assertFalse(object(10, 30, -1, true).servableWhileRevalidating(T0 + 11_000));
  }

  @Test
  void notModifiedReplacesHeadersKeepsBodyAndRestartsAge() {
    CachedObject stale = object(10, 0, -1, false);
    MultiMap fromNotModified =
        MultiMap.caseInsensitiveMultiMap().add("X-Old", "2").add("Content-Length", "0");
    CachedObject refreshed =
        stale.refreshedBy(
            fromNotModified, T0 + 100_000, 0, new CacheDecision(true, 10, false, 0, -1, false, ""));

    assertEquals("2", refreshed.headers().get("X-Old"));
    assertEquals("\"v1\"", refreshed.etag());
    assertEquals("body", refreshed.body().heapCopy().toString());
    assertTrue(refreshed.isFresh(T0 + 105_000));
    assertEquals(5, refreshed.ageSeconds(T0 + 105_000));
  }

  @Test
  void errorWindowIsACopy() {
    CachedObject o = object(10, 0, -1, false);
    CachedObject marked = o.withErrorWindowUntil(T0 + 20_000);
    assertTrue(marked.inErrorWindow(T0 + 19_999));
    assertFalse(marked.inErrorWindow(T0 + 20_000));
    assertFalse(o.inErrorWindow(T0));
  }

  @Test
  void staleMarkKeepsTheErrorWindowAndARefreshEndsIt() {
    CachedObject marked = object(10, 0, -1, false).withErrorWindowUntil(T0 + 20_000);
    CachedObject stale = marked.staleFrom(T0 + 5_000);
    assertFalse(stale.isFresh(T0 + 5_000));
    assertTrue(stale.inErrorWindow(T0 + 19_999));
    assertFalse(stale.inErrorWindow(T0 + 20_000));
    CachedObject refreshed =
        marked.refreshedBy(
            MultiMap.caseInsensitiveMultiMap(),
            T0 + 6_000,
            0,
            new CacheDecision(true, 10, false, 0, -1, false, ""));
    assertFalse(refreshed.inErrorWindow(T0 + 6_000));
    assertTrue(refreshed.isFresh(T0 + 6_000));
  }

  @Test
  void storedHeadersKeepOrderRepeatsAndCaseInsensitiveLookup() {
    CachedObject o =
        new CachedObject(
            200,
            MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "text/plain")
                .add("Cache-Tag", "a")
                .add("cache-tag", "b")
                .add("ETag", "\"x\""),
            io.strata.core.cache.StoredBody.copyOf(Buffer.buffer("body")),
            T0,
            0,
            new CacheDecision(true, 60, false, 0, -1, false, ""));

    assertEquals(4, o.headerCount());
    assertEquals("Cache-Tag", o.headerName(1).toString());
    assertEquals("b", o.headerValue(2).toString());
    assertEquals("text/plain", o.header("CONTENT-TYPE"));
    assertEquals(java.util.List.of("a", "b"), o.headerValues("Cache-Tag"));
    assertEquals(java.util.List.of(), o.headerValues("Vary"));
    assertEquals(null, o.header("Vary"));
    MultiMap copy = o.headers();
    copy.set("Content-Type", "changed");
    assertEquals("text/plain", o.header("Content-Type"), "headers() is a copy");
  }

  @Test
  void entriesShareHeaderNamesRepeatedValuesAndDecisions() {
    CachedObject a = withTypicalHeaders("\"1\"");
    CachedObject b = withTypicalHeaders("\"2\"");

    assertSame(a.headerName(0), b.headerName(0), "header names are shared");
    assertSame(a.headerValue(0), b.headerValue(0), "Content-Type values are shared");
    assertSame(a.decision(), b.decision(), "equal decisions are one instance");
    assertEquals("\"2\"", b.etag());
  }

  @Test
  void weightChargesBodyHeaderValuesAndTheMeasuredOverhead() {
    CachedObject bare =
        new CachedObject(
            200,
            MultiMap.caseInsensitiveMultiMap(),
            io.strata.core.cache.StoredBody.copyOf(Buffer.buffer(new byte[1000])),
            T0,
            0,
            new CacheDecision(true, 60, false, 0, -1, false, ""));
    assertEquals(1000 + CachedObject.ENTRY_OVERHEAD_BYTES, bare.weight());
    CachedObject withHeaders = withTypicalHeaders("\"1\"");
    assertEquals(
        4
            + CachedObject.ENTRY_OVERHEAD_BYTES
            + "application/json".length()
            + "\"1\"".length()
            + 2 * CachedObject.HEADER_OVERHEAD_BYTES,
        withHeaders.weight());
  }

  private static CachedObject withTypicalHeaders(String etag) {
    return new CachedObject(
        200,
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", new String("application/json"))
            .add("ETag", etag),
        io.strata.core.cache.StoredBody.copyOf(Buffer.buffer("body")),
        T0,
        0,
        new CacheDecision(true, 120, false, 0, -1, false, ""));
  }

  @Test
  void aHeapBodyIsKeptAsItsArrayAndTheObjectIsItsBody() {
    CachedObject o = object(10, 0, -1, false);
    assertSame(o, o.body(), "no wrapper kept beside the object");
    assertTrue(o.contents() instanceof byte[]);
    assertFalse(o.body().isDirect());
    assertEquals(4, o.body().length());
    assertTrue(o.body().retain());
    o.body().release();
    assertEquals(1, o.body().refCnt());
    assertEquals("dy", o.body().buffer(2, 2).toString());
    // Copies share the array, and an object made from another's body keeps that array, not the
    // other object.
    CachedObject refreshed =
        o.refreshedBy(
            MultiMap.caseInsensitiveMultiMap(),
            T0 + 1_000,
            0,
            new CacheDecision(true, 10, false, 0, -1, false, ""));
    assertSame(o.contents(), refreshed.contents());
    assertSame(o.contents(), o.staleFrom(T0 + 5_000).contents());
    assertSame(o.contents(), o.withErrorWindowUntil(T0 + 5_000).contents());
    CachedObject rebuilt =
        new CachedObject(
            200,
            MultiMap.caseInsensitiveMultiMap(),
            o.body(),
            T0,
            0,
            new CacheDecision(true, 10, false, 0, -1, false, ""));
    assertSame(o.contents(), rebuilt.contents());
  }

  @Test
  void aClockSetBackLowersTheAgeButNeverBelowZero() {
    CachedObject o =
        new CachedObject(
            200,
            MultiMap.caseInsensitiveMultiMap(),
            StoredBody.EMPTY,
            T0,
            3_000,
            new CacheDecision(true, 10, false, 0, -1, false, ""));
    assertEquals(3_000, o.currentAgeMillis(T0));
    assertEquals(5_000, o.currentAgeMillis(T0 + 2_000));
    assertEquals(1_000, o.currentAgeMillis(T0 - 2_000));
    assertEquals(0, o.currentAgeMillis(T0 - 60_000));
  }
}
