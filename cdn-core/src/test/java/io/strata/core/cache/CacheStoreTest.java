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
}
