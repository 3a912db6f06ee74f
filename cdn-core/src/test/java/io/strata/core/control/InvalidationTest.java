package io.strata.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.time.ManualClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InvalidationTest {
  private static CachedObject object(String... headerPairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(headerPairs[i], headerPairs[i + 1]);
    }
    return new CachedObject(
        200,
        headers,
        io.strata.core.cache.StoredBody.copyOf(Buffer.buffer("x")),
        0,
        0,
        new io.strata.core.cache.CacheDecision(true, 600, false, 0, -1, false, ""));
  }

  private static Invalidation paths(String... paths) {
    return new Invalidation(
        "I1",
        "site",
        List.of(paths).stream().map(InvalidationPath::parse).toList(),
        Set.of(),
        null,
        false);
  }

  private static CacheKey key(String path) {
    return new CacheKey("site", "a.example", path, "GET", "", "");
  }

  private static void put(CacheStore store, String path) {
    store.put(key(path), name -> List.of(), (name, value) -> value, object());
  }

  @Test
  void pathsAreCaseSensitiveAndExactWithoutAWildcard() {
    Invalidation inv = paths("/images/a.png");
    assertTrue(inv.covers(key("/images/a.png"), object()));
    assertFalse(inv.covers(key("/images/A.png"), object()));
    assertFalse(inv.covers(key("/images/a.png2"), object()));
  }

  @Test
  void trailingWildcardCoversEverythingBelowAndSlashStarCoversAll() {
    Invalidation images = paths("/images/*");
    assertTrue(images.covers(key("/images/a.png"), object()));
    assertTrue(images.covers(key("/images/deep/b.png"), object()));
    assertFalse(images.covers(key("/css/site.css"), object()));
    Invalidation all = paths("/*");
    assertTrue(all.covers(key("/"), object()));
    assertTrue(all.covers(key("/x/y"), object()));
  }

  @Test
  void pathsAreNormalisedLikeTheCacheKeys() {
    assertTrue(paths("/%64ocs/./a.html").covers(key("/docs/a.html"), object()));
    assertTrue(paths("//docs/*").covers(key("/docs/b.html"), object()));
    assertTrue(paths("/docs/a%2fb").covers(key("/docs/a%2Fb"), object()));
  }

  @Test
  void otherDistributionsAreNeverCovered() {
    assertFalse(
        paths("/*").covers(new CacheKey("other", "a.example", "/x", "GET", "", ""), object()));
  }

  @Test
  void wildcardOnlyAsTheLastCharacter() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InvalidationPath.parse("/a*/b"));
    assertEquals("'/a*/b' (expected: '*' only as the last character)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> InvalidationPath.parse("images/a"));
    assertThrows(
        IllegalArgumentException.class, () -> InvalidationPath.parse("/" + "a".repeat(4000)));
  }

  @Test
  void queryInThePathNamesTheObjectStoredWithoutIt() {
    assertTrue(paths("/search?q=1").covers(key("/search"), object()));
    assertTrue(paths("/search?*").covers(key("/search"), object()));
    assertFalse(paths("/search?*").covers(key("/search/more"), object()));
  }

  @Test
  void cacheTagsMatchAnyCommaSeparatedTagUpToFifty() {
    Invalidation tags =
        new Invalidation("I2", "site", List.of(), Set.of("product-7"), "Cache-Tag", false);
    assertTrue(tags.covers(key("/p"), object("Cache-Tag", "home, product-7 ,sale")));
    assertTrue(tags.covers(key("/p"), object("cache-tag", "a", "Cache-Tag", "product-7")));
    assertFalse(tags.covers(key("/p"), object("Cache-Tag", "product-70")));
    assertFalse(tags.covers(key("/p"), object()));
    String fifty = IntStream.range(0, 50).mapToObj(i -> "t" + i).collect(Collectors.joining(","));
    assertFalse(
        tags.covers(key("/p"), object("Cache-Tag", fifty + ",product-7")), "51st tag ignored");
    assertTrue(
        tags.covers(
            key("/p"),
            object("Cache-Tag", fifty.substring(0, fifty.lastIndexOf(',')) + ",product-7")));
  }

  @Test
  void softInvalidationMarksCoveredEntriesStale() {
    CacheStore store = new CacheStore(1 << 20, 60_000, new ManualClock(0));
    put(store, "/images/a.png");
    put(store, "/index.html");
    assertEquals(1, store.markStaleIf(paths("/images/*")::covers));
    assertFalse(store.get(key("/images/a.png")).isFresh(0));
    assertTrue(store.get(key("/images/a.png")) != null, "kept for revalidation");
    assertTrue(store.get(key("/index.html")).isFresh(0));
  }

  @Test
  void storeRemovesOnlyCoveredEntries() {
    CacheStore store = new CacheStore(1 << 20, 60_000, new ManualClock(0));
    put(store, "/images/a.png");
    put(store, "/images/b.png");
    put(store, "/index.html");
    assertEquals(2, store.invalidateIf(paths("/images/*")::covers));
    assertEquals(null, store.get(key("/images/a.png")));
    assertTrue(store.get(key("/index.html")) != null);
  }
}
