package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
}
