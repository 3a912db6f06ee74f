package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.time.ManualClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CacheStoreTest {
  private static final BiFunction<String, String, String> SAME = (n, v) -> v;
  private final ManualClock clock = new ManualClock();
  private final CacheStore store = new CacheStore(1 << 20, 60_000, clock);
  private final CacheKey primary = new CacheKey("site", "example.test", "/a", "GET", "", "");

  /** Entries past their retention leave this one only by reads and explicit sweeps. */
  private final CacheStore unswept =
      new CacheStore(1 << 20, 60_000, clock, Long.MAX_VALUE / 4, false);

  private CachedObject object(String body, long lifetime, String... headerPairs) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headerPairs.length; i += 2) {
      h.add(headerPairs[i], headerPairs[i + 1]);
    }
    return new CachedObject(
        200,
        h,
        io.strata.core.cache.StoredBody.copyOf(Buffer.buffer(body)),
        clock.millis(),
        0,
        new CacheDecision(true, lifetime, false, 0, -1, false, ""));
  }

  private static Function<String, List<String>> request(Map<String, String> headers) {
    return name -> headers.containsKey(name) ? List.of(headers.get(name)) : List.of();
  }

  @Test
  void staleObjectIsKeptForTheRetentionPeriodThenDropped() {
    store.put(primary, request(Map.of()), SAME, object("x", 10));
    clock.advance(Duration.ofSeconds(30));
    assertNotNull(store.get(primary));
    clock.advance(Duration.ofSeconds(41));
    store.cleanUp();
    assertNull(store.get(primary));
  }

  @Test
  void variantsAreStoredAndFoundByTheVaryingHeader() {
    store.put(
        primary,
        request(Map.of("accept-language", "en")),
        SAME,
        object("english", 60, "Vary", "Accept-Language"));
    store.put(
        primary,
        request(Map.of("accept-language", "fr")),
        SAME,
        object("french", 60, "Vary", "Accept-Language"));

    CacheKey en = store.lookup(primary, request(Map.of("accept-language", "en")), SAME).key();
    CacheKey fr = store.lookup(primary, request(Map.of("accept-language", "fr")), SAME).key();
    CacheKey de = store.lookup(primary, request(Map.of("accept-language", "de")), SAME).key();

    assertNotEquals(en, fr);
    assertEquals("english", store.get(en).body().heapCopy().toString());
    assertEquals("french", store.get(fr).body().heapCopy().toString());
    assertNull(store.get(de));
    assertNull(store.get(primary), "the primary key holds only the index");
  }

  @Test
  void whitespaceInVaryingValuesIsNormalised() {
    store.put(primary, request(Map.of("x-v", "a   b")), SAME, object("ab", 60, "Vary", "X-V"));
    assertNotNull(store.get(store.lookup(primary, request(Map.of("x-v", " a b ")), SAME).key()));
  }

  @Test
  void variantsAreInvalidatedTogether() {
    store.put(primary, request(Map.of("x-v", "1")), SAME, object("1", 60, "Vary", "X-V"));
    store.put(primary, request(Map.of("x-v", "2")), SAME, object("2", 60, "Vary", "X-V"));
    CacheKey one = store.lookup(primary, request(Map.of("x-v", "1")), SAME).key();

    store.invalidate(primary);

    assertNull(store.get(one));
    assertEquals(primary, store.lookup(primary, request(Map.of("x-v", "1")), SAME).key());
  }

  @Test
  void tooLongVaryingValueIsNotKeyed() {
    String huge = "v".repeat(Vary.MAX_KEY_CHARS + 1);
    store.put(primary, request(Map.of("x-v", "1")), SAME, object("1", 60, "Vary", "X-V"));
    assertNull(store.lookup(primary, request(Map.of("x-v", huge)), SAME).key());
  }

  @Test
  void storeStaysWithinItsByteBudget() {
    CacheStore small = new CacheStore(64 * 1024, 0, clock);
    for (int i = 0; i < 200; i++) {
      small.put(
          new CacheKey("s", "h", "/" + i, "GET", "", ""),
          request(Map.of()),
          SAME,
          object("x".repeat(1000), 60));
    }
    small.cleanUp();
    assertTrue(small.weightedSize() <= 64 * 1024, "weighted size " + small.weightedSize());
    assertTrue(small.evictionCount() > 0);
  }

  @Test
  void aLookupOfAnEntryPastItsRetentionMissesAndRemovesIt() {
    unswept.put(primary, request(Map.of()), SAME, object("x", 10));
    // Retention: 10 s fresh, then 60 s stale.
    clock.advance(Duration.ofMillis(69_999));
    assertNotNull(unswept.lookup(primary, request(Map.of()), SAME).object());
    clock.advance(Duration.ofMillis(1));
    assertEquals(1, unswept.entryCount(), "nothing removed it yet");
    assertNull(unswept.lookup(primary, request(Map.of()), SAME).object());
    assertEquals(0, unswept.entryCount(), "the lookup removed it");
    assertEquals(1, unswept.expirationCount());
    assertEquals(0, unswept.weightedSize());
  }

  @Test
  void aReadThatFoundAnEntryPastItsRetentionKeepsItsReplacement() {
    unswept.put(primary, request(Map.of()), SAME, object("old", 10));
    CachedObject old = unswept.get(primary);
    clock.advance(Duration.ofSeconds(70));
    unswept.put(primary, request(Map.of()), SAME, object("new", 10));
    // As a read that fetched the old object just before the replacement went in.
    assertNull(unswept.retained(primary, old, clock.millis()));
    assertEquals("new", unswept.get(primary).body().heapCopy().toString());
    assertEquals(0, unswept.expirationCount());
  }

  @Test
  void theSweepRemovesEntriesPastTheirRetentionWithoutALookup() {
    CacheKey other = new CacheKey("site", "example.test", "/b", "GET", "", "");
    unswept.put(primary, request(Map.of()), SAME, object("short", 10));
    unswept.put(other, request(Map.of()), SAME, object("long", 100));
    clock.advance(Duration.ofSeconds(70));
    assertEquals(1, unswept.sweep());
    assertEquals(1, unswept.entryCount());
    assertEquals(1, unswept.expirationCount());
    assertNotNull(unswept.get(other));
  }

  @Test
  void sweepStepsWalkTheStoreABoundedStepAtATime() {
    for (int i = 0; i < 10; i++) {
      unswept.put(
          new CacheKey("s", "h", "/" + i, "GET", "", ""), request(Map.of()), SAME, object("x", 1));
    }
    clock.advance(Duration.ofSeconds(61));
    assertEquals(4, unswept.sweepStep(4));
    assertEquals(6, unswept.entryCount());
    assertEquals(4, unswept.sweepStep(4));
    assertEquals(2, unswept.sweepStep(4), "the walk reached the end");
    assertEquals(0, unswept.entryCount());
  }

  @Test
  void softInvalidationDoesNotReviveAnEntryPastItsRetention() {
    unswept.put(primary, request(Map.of()), SAME, object("x", 10));
    clock.advance(Duration.ofSeconds(70));
    assertEquals(0, unswept.markStaleIf((k, o) -> true));
    assertNull(unswept.get(primary));
    assertEquals(0, unswept.entryCount());
  }

  @Test
  void replacingAnEntryPastItsRetentionStoresNothing() {
    unswept.put(primary, request(Map.of()), SAME, object("x", 10));
    CachedObject stored = unswept.get(primary);
    clock.advance(Duration.ofSeconds(70));
    unswept.replace(primary, stored.withErrorWindowUntil(clock.millis() + 10_000));
    assertNull(unswept.get(primary));
    assertEquals(0, unswept.entryCount());
    assertEquals(1, unswept.expirationCount());
  }

  @Test
  void aReplacementRestartsTheRetention() {
    unswept.put(primary, request(Map.of()), SAME, object("x", 10));
    clock.advance(Duration.ofSeconds(65));
    CachedObject stale = unswept.get(primary);
    unswept.replace(primary, stale.withErrorWindowUntil(clock.millis() + 10_000));
    // Stale when marked: 60 s of stale retention from the mark.
    clock.advance(Duration.ofSeconds(59));
    assertNotNull(unswept.get(primary));
    clock.advance(Duration.ofSeconds(1));
    assertNull(unswept.get(primary));
  }
}
