package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.config.CachePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FreshnessTest {

  /** Sun, 06 Nov 1994 08:49:37 GMT. */
  private static final long NOW = 784_111_777_000L;

  private static final String NOW_DATE = "Sun, 06 Nov 1994 08:49:37 GMT";

  private static final CachePolicy DEFAULT = CachePolicy.DEFAULT;
  private static final CachePolicy MIN_60_MAX_3600 = new CachePolicy(60, 600, 3600);

  private static long lifetime(CachePolicy policy, String cacheControl) {
    return lifetime(policy, 200, cacheControl);
  }

  private static long lifetime(CachePolicy policy, int status, String cacheControl) {
    return Freshness.lifetimeSeconds(
        policy, status, CacheControl.parse(cacheControl), null, null, NOW);
  }

  private static long lifetimeWithExpires(
      CachePolicy policy, int status, String expires, String date) {
    return Freshness.lifetimeSeconds(policy, status, CacheControl.EMPTY, expires, date, NOW);
  }

  @Test
  void cachingDisabledNeverStores() {
    assertEquals(0, lifetime(CachePolicy.DISABLED, "max-age=600"));
    assertEquals(0, lifetime(CachePolicy.DISABLED, null));
    assertEquals(
        0, lifetimeWithExpires(CachePolicy.DISABLED, 200, "Sun, 06 Nov 1994 09:49:37 GMT", null));
  }

  @Test
  void noHeadersUseDefaultTtl() {
    assertEquals(86_400, lifetime(DEFAULT, null));
    assertEquals(600, lifetime(MIN_60_MAX_3600, null));
  }

  @Test
  void noHeadersUseMinTtlWhenAboveDefaultTtl() {
    CachePolicy policy = new CachePolicy(100, 100, 1000);
    assertEquals(100, lifetime(policy, null));
  }

  @Test
  void originMaxAgeWithinBoundsIsUsed() {
    assertEquals(300, lifetime(MIN_60_MAX_3600, "max-age=300"));
    assertEquals(300, lifetime(DEFAULT, "public, max-age=300"));
  }

  @Test
  void originMaxAgeBelowMinTtlIsRaisedToMinTtl() {
    assertEquals(60, lifetime(MIN_60_MAX_3600, "max-age=10"));
    assertEquals(60, lifetime(MIN_60_MAX_3600, "max-age=0"));
  }

  @Test
  void originMaxAgeAboveMaxTtlIsCappedToMaxTtl() {
    assertEquals(3600, lifetime(MIN_60_MAX_3600, "max-age=86400"));
    assertEquals(31_536_000, lifetime(DEFAULT, "max-age=2147483648"));
  }

  @Test
  void maxAgeZeroWithMinTtlZeroIsNotStored() {
    assertEquals(0, lifetime(DEFAULT, "max-age=0"));
  }

  @Test
  void sMaxAgeWinsOverMaxAge() {
    assertEquals(120, lifetime(DEFAULT, "max-age=60, s-maxage=120"));
    assertEquals(0, lifetime(DEFAULT, "max-age=60, s-maxage=0"));
    assertEquals(3600, lifetime(MIN_60_MAX_3600, "max-age=60, s-maxage=7200"));
  }

  @Test
  void invalidMaxAgeFallsBackToDefaultTtl() {
    assertEquals(600, lifetime(MIN_60_MAX_3600, "max-age=abc"));
  }

  @Test
  void conflictingMaxAgeCountsAsZero() {
    assertEquals(0, lifetime(DEFAULT, "max-age=60, max-age=120"));
    assertEquals(60, lifetime(MIN_60_MAX_3600, "max-age=60, max-age=120"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "no-store",
        "private",
        "no-cache",
        "private, max-age=600",
        "no-cache, s-maxage=600",
        "NO-STORE",
        "private=\"Set-Cookie\""
      })
  void noStorePrivateOrNoCacheIsNotStoredWhenMinTtlIsZero(String header) {
    assertEquals(0, lifetime(DEFAULT, header));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "no-store",
        "private",
        "no-cache",
        "private, max-age=600",
        "no-store, s-maxage=10"
      })
  void noStorePrivateOrNoCacheIsCachedForMinTtlWhenMinTtlIsPositive(String header) {
    assertEquals(60, lifetime(MIN_60_MAX_3600, header));
  }

  @Test
  void expiresIsMeasuredFromDateHeader() {
    String expires = "Sun, 06 Nov 1994 09:49:37 GMT";
    String date = "Sun, 06 Nov 1994 09:39:37 GMT";
    assertEquals(600, lifetimeWithExpires(DEFAULT, 200, expires, date));
  }

  @Test
  void expiresIsMeasuredFromNowWithoutDateHeader() {
    assertEquals(3600, lifetimeWithExpires(DEFAULT, 200, "Sun, 06 Nov 1994 09:49:37 GMT", null));
    assertEquals(
        3600, lifetimeWithExpires(DEFAULT, 200, "Sun, 06 Nov 1994 09:49:37 GMT", "garbage"));
  }

  @Test
  void expiresIsClampedToTtlBounds() {
    assertEquals(
        3600, lifetimeWithExpires(MIN_60_MAX_3600, 200, "Mon, 07 Nov 1994 08:49:37 GMT", NOW_DATE));
    assertEquals(
        60, lifetimeWithExpires(MIN_60_MAX_3600, 200, "Sun, 06 Nov 1994 08:49:47 GMT", NOW_DATE));
  }

  @Test
  void expiresInThePastIsExpired() {
    assertEquals(0, lifetimeWithExpires(DEFAULT, 200, "Sat, 05 Nov 1994 08:49:37 GMT", NOW_DATE));
    assertEquals(
        60, lifetimeWithExpires(MIN_60_MAX_3600, 200, "Sat, 05 Nov 1994 08:49:37 GMT", NOW_DATE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "never", "Sun, 32 Nov 1994 08:49:37 GMT"})
  void invalidExpiresCountsAsExpired(String expires) {
    assertEquals(0, lifetimeWithExpires(DEFAULT, 200, expires, NOW_DATE));
    assertEquals(60, lifetimeWithExpires(MIN_60_MAX_3600, 200, expires, NOW_DATE));
  }

  @Test
  void maxAgeWinsOverExpires() {
    long lifetime =
        Freshness.lifetimeSeconds(
            DEFAULT,
            200,
            CacheControl.parse("max-age=60"),
            "Mon, 07 Nov 1994 08:49:37 GMT",
            NOW_DATE,
            NOW);
    assertEquals(60, lifetime);
  }

  @Test
  void noStoreWinsOverExpires() {
    long lifetime =
        Freshness.lifetimeSeconds(
            DEFAULT,
            200,
            CacheControl.parse("no-store"),
            "Mon, 07 Nov 1994 08:49:37 GMT",
            NOW_DATE,
            NOW);
    assertEquals(0, lifetime);
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501})
  void statusesCacheableByDefaultUseDefaultTtl(int status) {
    assertTrue(Freshness.cacheableByDefault(status));
    assertEquals(86_400, lifetime(DEFAULT, status, null));
  }

  @ParameterizedTest
  @ValueSource(ints = {206, 302, 303, 307, 400, 401, 403, 429, 500, 502, 503, 504})
  void otherStatusesWithoutExplicitFreshnessAreNotStored(int status) {
    assertFalse(Freshness.cacheableByDefault(status));
    assertEquals(0, lifetime(DEFAULT, status, null));
    assertEquals(0, lifetime(MIN_60_MAX_3600, status, "public"));
    assertEquals(0, lifetime(MIN_60_MAX_3600, status, "no-store"));
  }

  @ParameterizedTest
  @ValueSource(ints = {206, 302, 307, 500, 503})
  void otherStatusesWithExplicitFreshnessAreClamped(int status) {
    assertEquals(120, lifetime(DEFAULT, status, "max-age=120"));
    assertEquals(3600, lifetime(MIN_60_MAX_3600, status, "s-maxage=86400"));
    assertEquals(60, lifetime(MIN_60_MAX_3600, status, "max-age=1"));
    assertEquals(60, lifetime(MIN_60_MAX_3600, status, "max-age=120, private"));
    assertEquals(
        600, lifetimeWithExpires(DEFAULT, status, "Sun, 06 Nov 1994 08:59:37 GMT", NOW_DATE));
  }

  @Test
  void minTtlAboveZeroStillBoundedByMaxTtl() {
    CachePolicy policy = new CachePolicy(3600, 3600, 3600);
    assertEquals(3600, lifetime(policy, "max-age=1"));
    assertEquals(3600, lifetime(policy, "max-age=999999"));
    assertEquals(3600, lifetime(policy, "no-store"));
  }
}
