package io.strata.core.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IfRangeTest {

  private static final String MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT";
  private static final String DATE_LATER = "Sun, 06 Nov 1994 08:49:38 GMT";

  @Test
  void absentIfRangeLetsTheRangeApply() {
    assertTrue(IfRange.rangeApplies(null, null, null, null));
    assertTrue(IfRange.rangeApplies("  ", null, null, null));
  }

  @Test
  void matchingStrongEtagLetsTheRangeApply() {
    assertTrue(IfRange.rangeApplies("\"v1\"", "\"v1\"", null, null));
  }

  @Test
  void differentEtagServesTheFullBody() {
    assertFalse(IfRange.rangeApplies("\"v2\"", "\"v1\"", null, null));
  }

  @Test
  void weakEtagsNeverMatch() {
    assertFalse(IfRange.rangeApplies("W/\"v1\"", "W/\"v1\"", null, null));
    assertFalse(IfRange.rangeApplies("W/\"v1\"", "\"v1\"", null, null));
    assertFalse(IfRange.rangeApplies("\"v1\"", "W/\"v1\"", null, null));
  }

  @Test
  void exactStrongLastModifiedLetsTheRangeApply() {
    assertTrue(IfRange.rangeApplies(MODIFIED, null, MODIFIED, DATE_LATER));
  }

  @Test
  void lastModifiedLessThanOneSecondBeforeDateIsWeakAndServesTheFullBody() {
    assertFalse(IfRange.rangeApplies(MODIFIED, null, MODIFIED, MODIFIED));
  }

  @Test
  void lastModifiedWithoutDateIsWeakAndServesTheFullBody() {
    assertFalse(IfRange.rangeApplies(MODIFIED, "\"v1\"", MODIFIED, null));
  }

  @Test
  void laterOrEarlierDateServesTheFullBody() {
    assertFalse(IfRange.rangeApplies(DATE_LATER, null, MODIFIED, DATE_LATER));
    assertFalse(IfRange.rangeApplies("Sun, 06 Nov 1994 08:49:36 GMT", null, MODIFIED, DATE_LATER));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"unterminated", "W/", "not a date", "v1", "W/v1"})
  void malformedValidatorsServeTheFullBody(String ifRange) {
    assertFalse(IfRange.rangeApplies(ifRange, "\"v1\"", MODIFIED, DATE_LATER));
  }
}
