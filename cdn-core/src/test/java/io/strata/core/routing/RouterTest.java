package io.strata.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.strata.core.config.Behavior;
import io.strata.core.config.CachePolicy;
import io.strata.core.config.Distribution;
import io.strata.core.config.Origin;
import io.strata.core.config.StrataConfig;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {

  private static final Origin WEB = new Origin("web", URI.create("http://127.0.0.1:8000"));
  private static final Origin API = new Origin("api", URI.create("https://api.internal"));
  private static final Origin OTHER = new Origin("other", URI.create("http://10.0.0.9"));

  private static final Behavior API_BEHAVIOR =
      new Behavior(PathPattern.parse("/api/*"), "api", CachePolicy.DISABLED);
  private static final Behavior API_V1_BEHAVIOR =
      new Behavior(PathPattern.parse("/api/v1/*"), "web");
  private static final Behavior CSS_BEHAVIOR = new Behavior(PathPattern.parse("*.css"), "web");
  private static final Behavior DEFAULT = new Behavior(PathPattern.parse("*"), "web");

  private static final Distribution SITE =
      new Distribution(
          "site",
          List.of("Example.com", "127.0.0.1", "[::1]"),
          List.of(WEB, API),
          DEFAULT,
          List.of(API_BEHAVIOR, API_V1_BEHAVIOR, CSS_BEHAVIOR));
  private static final Distribution STATIC =
      new Distribution(
          "static",
          List.of("static.example.com", "fe80::2"),
          List.of(OTHER),
          new Behavior(PathPattern.parse("*"), "other"),
          null);

  private final Router router = new Router(new StrataConfig(List.of(SITE, STATIC)));

  @Test
  void firstMatchingBehaviorWinsInListOrder() {
    Route route = router.route("example.com", "/api/v1/users");
    assertSame(API_BEHAVIOR, route.behavior());
    assertEquals(API, route.origin());
    assertSame(SITE, route.distribution());
  }

  @Test
  void laterBehaviorMatchesWhenEarlierOnesDoNot() {
    assertSame(CSS_BEHAVIOR, router.route("example.com", "/static/site.css").behavior());
  }

  @Test
  void defaultBehaviorIsUsedWhenNoBehaviorMatches() {
    Route route = router.route("example.com", "/index.html");
    assertSame(DEFAULT, route.behavior());
    assertEquals(WEB, route.origin());
  }

  @Test
  void distributionWithoutBehaviorsAlwaysUsesDefault() {
    Route route = router.route("static.example.com", "/api/x");
    assertSame(STATIC, route.distribution());
    assertEquals(OTHER, route.origin());
  }

  @Test
  void hostIsMatchedCaseInsensitively() {
    assertSame(SITE, router.route("EXAMPLE.Com", "/").distribution());
    assertSame(SITE, router.route("example.com", "/").distribution());
  }

  @Test
  void portIsIgnored() {
    assertSame(SITE, router.route("example.com:8080", "/").distribution());
    assertSame(SITE, router.route("Example.COM:443", "/").distribution());
    assertSame(SITE, router.route("127.0.0.1:8080", "/").distribution());
  }

  @Test
  void ipv6HostIsMatchedWithOrWithoutBracketsAndPort() {
    assertSame(SITE, router.route("[::1]:8080", "/").distribution());
    assertSame(SITE, router.route("[::1]", "/").distribution());
    assertSame(SITE, router.route("::1", "/").distribution());
    assertSame(STATIC, router.route("[FE80::2]:80", "/").distribution());
  }

  @Test
  void unknownHostGivesNull() {
    assertNull(router.route("unknown.example", "/"));
    assertNull(router.route("example.com.evil", "/"));
    assertNull(router.route(null, "/"));
  }

  @Test
  void malformedHostGivesNull() {
    assertNull(router.route("", "/"));
    assertNull(router.route(":8080", "/"));
    assertNull(router.route("[::1", "/"));
    assertNull(router.route("[::1]x", "/"));
    assertNull(router.route("[]", "/"));
  }

  @Test
  void sameRequestGetsTheSamePrecomputedRoute() {
    assertSame(router.route("example.com", "/a"), router.route("EXAMPLE.COM:80", "/b"));
  }

  @Test
  void normalizedHostIsReturnedAsIsWithoutAllocation() {
    String host = "example.com";
    assertSame(host, Router.normalizeHost(host));
    assertEquals("example.com", Router.normalizeHost("Example.com:8080"));
  }
}
