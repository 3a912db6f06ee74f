package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.config.CachePolicy;
import io.strata.core.http.HttpDate;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class CacheabilityTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final CachePolicy DEFAULT = CachePolicy.DEFAULT;
  private static final CachePolicy MIN_60 = new CachePolicy(60, 86_400, 31_536_000);

  private static MultiMap headers(String... nameValues) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return h;
  }

  private static CacheDecision decide(CachePolicy policy, int status, MultiMap h) {
    return Cacheability.decide(policy, status, h, false, NOW);
  }

  @Test
  void cachingDisabledBehaviorNeverStores() {
    assertFalse(
        decide(CachePolicy.DISABLED, 200, headers("Cache-Control", "max-age=60")).storable());
  }

  @Test
  void sMaxAgeWinsOverMaxAgeAndImpliesProxyRevalidate() {
    CacheDecision d = decide(DEFAULT, 200, headers("Cache-Control", "max-age=10, s-maxage=100"));
    assertEquals(100, d.lifetimeSeconds());
    assertTrue(d.mustRevalidate());
  }

  @Test
  void cdnCacheControlTakesPrecedenceAndCacheControlAndExpiresAreIgnored() {
    CacheDecision d =
        decide(
            DEFAULT,
            200,
            headers(
                "Cache-Control",
                "no-store",
                "CDN-Cache-Control",
                "max-age=300",
                "Expires",
                "Thu, 01 Jan 1970 00:00:00 GMT"));
    assertTrue(d.storable());
    assertEquals(300, d.lifetimeSeconds());
  }

  @Test
  void strataTargetedFieldWinsOverCdnCacheControl() {
    CacheDecision d =
        decide(
            DEFAULT,
            200,
            headers("CDN-Cache-Control", "max-age=300", "Strata-CDN-Cache-Control", "max-age=5"));
    assertEquals(5, d.lifetimeSeconds());
  }

  @Test
  void emptyOrUnusableTargetedFieldFallsBackToCacheControl() {
    CacheDecision d =
        decide(
            DEFAULT, 200, headers("CDN-Cache-Control", "garbage=", "Cache-Control", "max-age=7"));
    assertEquals(7, d.lifetimeSeconds());
  }

  @Test
  void varyStarIsNeverStored() {
    assertFalse(
        decide(DEFAULT, 200, headers("Cache-Control", "max-age=60", "Vary", "Accept, *"))
            .storable());
  }

  @Test
  void oversizedOrInvalidVaryIsNotStored() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= Vary.MAX_NAMES; i++) {
      many.append(i == 0 ? "" : ", ").append("X-H").append(i);
    }
    assertFalse(decide(DEFAULT, 200, headers("Vary", many.toString())).storable());
    assertFalse(decide(DEFAULT, 200, headers("Vary", "Accept\u0000Language")).storable());
  }

  @Test
  void statusNotCacheableByDefaultNeedsExplicitFreshness() {
    assertFalse(decide(DEFAULT, 302, headers()).storable());
    assertEquals(
        30, decide(DEFAULT, 302, headers("Cache-Control", "max-age=30")).lifetimeSeconds());
    assertTrue(decide(DEFAULT, 404, headers()).storable());
  }

  @Test
  void errorStatusesFollowCloudFrontsErrorCachingRules() {
    CacheDecision serverError = decide(DEFAULT, 503, headers());
    assertTrue(serverError.storable());
    assertEquals(10, serverError.lifetimeSeconds(), "error caching minimum TTL");
    assertTrue(serverError.mustRevalidate(), "an error is never served stale");
    assertEquals(
        60, decide(DEFAULT, 404, headers("Cache-Control", "max-age=60")).lifetimeSeconds());
    assertFalse(decide(DEFAULT, 416, headers("Cache-Control", "max-age=60")).storable());
    assertFalse(decide(DEFAULT, 403, headers()).storable());
    assertEquals(
        30, decide(DEFAULT, 403, headers("Cache-Control", "max-age=30")).lifetimeSeconds());
    assertFalse(decide(DEFAULT, 500, headers("Cache-Control", "no-store")).storable());
    CacheDecision custom =
        Cacheability.decide(
            DEFAULT,
            502,
            headers(),
            false,
            java.util.List.of(new io.strata.core.config.CustomErrorResponse(502, null, null, 3)),
            NOW);
    assertEquals(3, custom.lifetimeSeconds());
  }

  @Test
  void authorizedRequestIsStoredOnlyWithPublicSMaxAgeOrMustRevalidate() {
    MultiMap plain = headers("Cache-Control", "max-age=60");
    assertFalse(Cacheability.decide(DEFAULT, 200, plain, true, NOW).storable());
    assertTrue(
        Cacheability.decide(DEFAULT, 200, headers("Cache-Control", "public, max-age=60"), true, NOW)
            .storable());
    assertTrue(
        Cacheability.decide(DEFAULT, 200, headers("Cache-Control", "s-maxage=60"), true, NOW)
            .storable());
    assertTrue(
        Cacheability.decide(
                DEFAULT, 200, headers("Cache-Control", "max-age=60, must-revalidate"), true, NOW)
            .storable());
  }

  @Test
  void noStoreAndPrivateAreNotStoredUnlessMinTtlIsAboveZero() {
    assertFalse(decide(DEFAULT, 200, headers("Cache-Control", "no-store")).storable());
    assertFalse(decide(DEFAULT, 200, headers("Cache-Control", "private, max-age=60")).storable());
    CacheDecision forced = decide(MIN_60, 200, headers("Cache-Control", "no-store"));
    assertTrue(forced.storable());
    assertEquals(60, forced.lifetimeSeconds());
  }

  @Test
  void noCacheIsStoredButRevalidatedEveryTimeWhenItHasAValidator() {
    CacheDecision d = decide(DEFAULT, 200, headers("Cache-Control", "no-cache", "ETag", "\"v1\""));
    assertTrue(d.storable());
    assertTrue(d.revalidateAlways());
    assertFalse(decide(DEFAULT, 200, headers("Cache-Control", "no-cache")).storable());
    assertEquals(60, decide(MIN_60, 200, headers("Cache-Control", "no-cache")).lifetimeSeconds());
  }

  @Test
  void zeroLifetimeIsStoredOnlyWithAValidator() {
    assertFalse(decide(DEFAULT, 200, headers("Cache-Control", "max-age=0")).storable());
    CacheDecision d = decide(DEFAULT, 200, headers("Cache-Control", "max-age=0", "ETag", "\"a\""));
    assertTrue(d.storable());
    assertEquals(0, d.lifetimeSeconds());
  }

  @Test
  void heuristicIsTenPercentOfTheTimeSinceLastModifiedCappedAtDefaultTtl() {
    String date = HttpDate.format(NOW);
    String tenDaysAgo = HttpDate.format(NOW - 10L * 86_400_000);
    String fiveYearsAgo = HttpDate.format(NOW - 5L * 365 * 86_400_000);
    assertEquals(
        86_400,
        decide(DEFAULT, 200, headers("Date", date, "Last-Modified", tenDaysAgo)).lifetimeSeconds());
    CachePolicy longDefault = new CachePolicy(0, 31_536_000, 31_536_000);
    assertEquals(
        5L * 365 * 86_400 / 10,
        decide(longDefault, 200, headers("Date", date, "Last-Modified", fiveYearsAgo))
            .lifetimeSeconds());
    String hourAgo = HttpDate.format(NOW - 3_600_000);
    assertEquals(
        360,
        decide(DEFAULT, 200, headers("Date", date, "Last-Modified", hourAgo)).lifetimeSeconds());
  }

  @Test
  void withoutAnyFreshnessInformationTheDefaultTtlApplies() {
    assertEquals(86_400, decide(DEFAULT, 200, headers()).lifetimeSeconds());
  }

  @Test
  void invalidExpiresCountsAsAlreadyExpired() {
    CacheDecision d = decide(DEFAULT, 200, headers("Expires", "0", "ETag", "\"x\""));
    assertEquals(0, d.lifetimeSeconds());
  }

  @Test
  void staleDirectivesAreCarried() {
    CacheDecision d =
        decide(
            DEFAULT,
            200,
            headers("Cache-Control", "max-age=10, stale-while-revalidate=30, stale-if-error=600"));
    assertEquals(30, d.staleWhileRevalidateSeconds());
    assertEquals(600, d.staleIfErrorSeconds());
    assertFalse(d.mustRevalidate());
    assertEquals(
        -1, decide(DEFAULT, 200, headers("Cache-Control", "max-age=10")).staleIfErrorSeconds());
  }

  @Test
  void malformedCacheControlNeverThrowsAndNeverPoisons() {
    for (String cc :
        new String[] {
          "max-age=-1",
          "max-age=\"60",
          "max-age=99999999999999999999",
          "max-age=60, max-age=120",
          ",,,;;;",
          "max-age",
          "s-maxage=abc",
          "=60"
        }) {
      CacheDecision d = decide(DEFAULT, 200, headers("Cache-Control", cc));
      assertTrue(d.lifetimeSeconds() >= 0, cc);
      assertTrue(d.lifetimeSeconds() <= 31_536_000, cc);
    }
    assertEquals(
        0,
        decide(DEFAULT, 200, headers("Cache-Control", "max-age=60, max-age=120", "ETag", "\"x\""))
            .lifetimeSeconds());
  }
}
