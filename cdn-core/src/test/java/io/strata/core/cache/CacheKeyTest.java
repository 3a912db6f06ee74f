package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Route;
import io.strata.core.routing.Router;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
  private final Router router =
      new Router(
          ConfigLoader.parse(
              String.join(
                  "\n",
                  "distributions:",
                  "  - id: a",
                  "    aliases: [a.example, www.a.example]",
                  "    origins: [{ id: o, url: 'http://127.0.0.1:1' }]",
                  "    defaultBehavior: { origin: o }",
                  "  - id: b",
                  "    aliases: [b.example]",
                  "    origins: [{ id: o, url: 'http://127.0.0.1:1' }]",
                  "    defaultBehavior: { origin: o }",
                  ""),
              "keys.yaml"));

  private CacheKey key(String host, String path) {
    Route route = router.route(host, path);
    return CacheKey.of(route, host, path);
  }

  @Test
  void hostCaseAndPortDoNotChangeTheKey() {
    assertEquals(key("a.example", "/x"), key("A.Example:8080", "/x"));
  }

  @Test
  void pathIsCaseSensitive() {
    assertNotEquals(key("a.example", "/X"), key("a.example", "/x"));
  }

  @Test
  void aliasesOfOneDistributionKeepSeparateEntries() {
    assertNotEquals(key("a.example", "/x"), key("www.a.example", "/x"));
  }

  @Test
  void distributionIsPartOfTheKey() {
    CacheKey a = key("a.example", "/x");
    CacheKey b = key("b.example", "/x");
    assertEquals("a", a.distributionId());
    assertEquals("b", b.distributionId());
    assertNotEquals(a.hashInput(), b.hashInput());
  }

  @Test
  void storedKeyEqualsTheRequestKeyBothWays() {
    CacheKey request = new CacheKey("a", "a.example", "/stored/\u00e9?", "GET", "gzip", "");
    CacheKey stored = request.stored();
    assertEquals(request, stored);
    assertEquals(stored, request);
    assertEquals(request.hashCode(), stored.hashCode());
    assertEquals("/stored/\u00e9?", stored.path());
    assertEquals("a.example", stored.host());
    assertEquals("gzip", stored.acceptEncoding());
    assertEquals(request.hashInput(), stored.hashInput());
    assertEquals(request.toString(), stored.toString());
  }

  @Test
  void storedKeysShareTheirScope() {
    CacheKey one = new CacheKey("a", "shared.example", "/1", "GET", "", "").stored();
    CacheKey two = new CacheKey("a", "shared.example", "/2", "GET", "", "").stored();
    assertSame(one.host(), two.host());
    // A request's key finds the shared scope too: only its path is its own.
    assertSame(
        one.host(), new CacheKey("a", new String("shared.example"), "/3", "GET", "", "").host());
  }

  @Test
  void pathBeyondLatin1IsKeptExactly() {
    CacheKey request = new CacheKey("a", "a.example", "/\u0100", "GET", "", "");
    CacheKey stored = request.stored();
    assertEquals(request, stored);
    assertEquals(stored, request);
    assertEquals("/\u0100", stored.path());
    // The same low byte in Latin-1 is another path.
    CacheKey other = new CacheKey("a", "a.example", "/\u0000", "GET", "", "").stored();
    assertNotEquals(stored, other);
    assertNotEquals(other, request);
  }

  @Test
  void everyPartOfTheKeyTellsKeysApart() {
    CacheKey base = new CacheKey("a", "a.example", "/x", "GET", "", "").stored();
    for (CacheKey differing :
        new CacheKey[] {
          new CacheKey("b", "a.example", "/x", "GET", "", ""),
          new CacheKey("a", "b.example", "/x", "GET", "", ""),
          new CacheKey("a", "a.example", "/y", "GET", "", ""),
          new CacheKey("a", "a.example", "/x", "OPTIONS", "", ""),
          new CacheKey("a", "a.example", "/x", "GET", "br", ""),
          new CacheKey("a", "a.example", "/x", "GET", "", "accept-language=en"),
        }) {
      assertNotEquals(base, differing);
      assertNotEquals(differing, base);
      assertNotEquals(base, differing.stored());
    }
  }

  @Test
  void variantsOfStoredAndRequestKeysAgree() {
    CacheKey request = new CacheKey("a", "a.example", "/v", "GET", "", "");
    CacheKey storedVariant = request.stored().withVariant("x-v=1").stored();
    CacheKey requestVariant = request.withVariant("x-v=1");
    assertEquals(storedVariant, requestVariant);
    assertEquals(requestVariant, storedVariant);
    assertEquals(storedVariant.hashCode(), requestVariant.hashCode());
    assertEquals("x-v=1", storedVariant.variant());
    assertNotEquals(storedVariant, request.withVariant("x-v=2"));
    assertEquals(request, storedVariant.primary());
    assertEquals(request.hashCode(), storedVariant.primary().hashCode());
    assertEquals(storedVariant, storedVariant.primary().withVariant("x-v=1"));
    assertEquals(
        new CacheKey("a", "a.example", "/v", "GET", "", "x-v=2"),
        storedVariant.withVariant("x-v=2"));
  }

  @Test
  void variantsBeyondTheSharedLimitStillMatch() {
    CacheKey primary = new CacheKey("a", "many-variants.example", "/m", "GET", "", "").stored();
    int n = CacheKey.Scope.MAX_VARIANTS_PER_PRIMARY + 10;
    CacheKey[] stored = new CacheKey[n];
    for (int i = 0; i < n; i++) {
      stored[i] = primary.withVariant("cookie=" + i).stored();
    }
    for (int i = 0; i < n; i++) {
      CacheKey request = new CacheKey("a", "many-variants.example", "/m", "GET", "", "cookie=" + i);
      assertEquals(stored[i], request);
      assertEquals(request, stored[i]);
      assertEquals(stored[i].hashCode(), request.hashCode());
      assertNotEquals(stored[(i + 1) % n], request);
    }
    // The first ones share their scope; those beyond the limit keep their own.
    assertSame(stored[0].variant(), primary.withVariant("cookie=0").variant());
  }

  @Test
  void storedKeyIsChargedItsPathBytes() {
    CacheKey shortPath = new CacheKey("a", "a.example", "/gen/1k/object-12345", "GET", "", "");
    // 24 B of key, 16 B of array header and 20 path bytes padded to 24.
    assertEquals(64, shortPath.stored().heapBytes());
    CacheKey longPath = new CacheKey("a", "a.example", "/" + "x".repeat(199), "GET", "", "");
    assertEquals(24 + 216, longPath.stored().heapBytes());
    // Beyond Latin-1 the path stays a string of two-byte characters.
    CacheKey wide = new CacheKey("a", "a.example", "/\u0100".repeat(10), "GET", "", "");
    assertEquals(24 + 24 + 56, wide.stored().heapBytes());
    // A key built for a request is charged as the store will keep it.
    assertEquals(64, shortPath.heapBytes());
  }
}
