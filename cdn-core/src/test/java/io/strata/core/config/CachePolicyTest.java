package io.strata.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CachePolicyTest {

  private static final OptionalLong ABSENT = OptionalLong.empty();

  @Test
  void allAbsentGivesCloudFrontDefaults() {
    assertEquals(new CachePolicy(0, 86_400, 31_536_000), CachePolicy.of(ABSENT, ABSENT, ABSENT));
    assertEquals(CachePolicy.DEFAULT, CachePolicy.of(ABSENT, ABSENT, ABSENT));
  }

  @Test
  void minTtlAboveOneDayBecomesDefaultTtl() {
    assertEquals(
        new CachePolicy(100_000, 100_000, 31_536_000),
        CachePolicy.of(OptionalLong.of(100_000), ABSENT, ABSENT));
  }

  @Test
  void defaultTtlAboveOneYearBecomesMaxTtl() {
    assertEquals(
        new CachePolicy(0, 40_000_000, 40_000_000),
        CachePolicy.of(ABSENT, OptionalLong.of(40_000_000), ABSENT));
    assertEquals(
        new CachePolicy(40_000_000, 40_000_000, 40_000_000),
        CachePolicy.of(OptionalLong.of(40_000_000), ABSENT, ABSENT));
  }

  @Test
  void absentDefaultTtlIsCappedAtGivenMaxTtl() {
    assertEquals(
        new CachePolicy(0, 3600, 3600), CachePolicy.of(ABSENT, ABSENT, OptionalLong.of(3600)));
    assertEquals(new CachePolicy(0, 0, 0), CachePolicy.of(ABSENT, ABSENT, OptionalLong.of(0)));
  }

  @Test
  void maxTtlZeroDisablesCaching() {
    assertTrue(CachePolicy.DISABLED.cachingDisabled());
    assertFalse(CachePolicy.DEFAULT.cachingDisabled());
  }

  @Test
  void negativeMinTtlIsRejected() {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> new CachePolicy(-1, 0, 10));
    assertEquals("minTtl: -1 (expected: >= 0)", e.getMessage());
    assertEquals("minTtl", e.field());
  }

  @Test
  void maxTtlBelowMinTtlIsRejected() {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> new CachePolicy(100, 100, 50));
    assertEquals("maxTtl: 50 (expected: >= minTtl 100)", e.getMessage());
  }

  @Test
  void defaultTtlOutsideBoundsIsRejected() {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> new CachePolicy(10, 5, 50));
    assertEquals("defaultTtl: 5 (expected: 10..50, between minTtl and maxTtl)", e.getMessage());
    e = assertThrows(InvalidValueException.class, () -> new CachePolicy(10, 60, 50));
    assertEquals("defaultTtl", e.field());
  }

  @Test
  void clampKeepsValueWithinBounds() {
    CachePolicy policy = new CachePolicy(10, 20, 30);
    assertEquals(10, policy.clamp(0));
    assertEquals(25, policy.clamp(25));
    assertEquals(30, policy.clamp(Long.MAX_VALUE));
  }
}
