package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheControlTest {

  @Test
  void parsesAllKnownDirectives() {
    CacheControl cc =
        CacheControl.parse(
            "public, private, no-store, no-cache, must-revalidate, proxy-revalidate,"
                + " max-age=60, s-maxage=120, stale-while-revalidate=30, stale-if-error=600");
    assertEquals(60, cc.maxAge());
    assertEquals(120, cc.sMaxAge());
    assertEquals(30, cc.staleWhileRevalidate());
    assertEquals(600, cc.staleIfError());
    assertTrue(cc.isPublic());
    assertTrue(cc.isPrivate());
    assertTrue(cc.noStore());
    assertTrue(cc.noCache());
    assertTrue(cc.mustRevalidate());
    assertTrue(cc.proxyRevalidate());
  }

  @Test
  void absentDirectivesAreMinusOneOrFalse() {
    CacheControl cc = CacheControl.parse("public");
    assertEquals(-1, cc.maxAge());
    assertEquals(-1, cc.sMaxAge());
    assertEquals(-1, cc.staleWhileRevalidate());
    assertEquals(-1, cc.staleIfError());
    assertFalse(cc.noStore());
    assertFalse(cc.hasExplicitLifetime());
  }

  @Test
  void nullAndEmptyInputsGiveEmpty() {
    assertSame(CacheControl.EMPTY, CacheControl.parse((String) null));
    assertSame(CacheControl.EMPTY, CacheControl.parse((List<String>) null));
    assertSame(CacheControl.EMPTY, CacheControl.parse(List.of()));
    assertSame(CacheControl.EMPTY, CacheControl.parse(""));
    assertSame(CacheControl.EMPTY, CacheControl.parse(" , ,, "));
    assertSame(CacheControl.EMPTY, CacheControl.parse(Arrays.asList(null, null)));
    assertEquals("CacheControl[]", CacheControl.EMPTY.toString());
  }

  @Test
  void directiveNamesAreCaseInsensitive() {
    CacheControl cc = CacheControl.parse("MAX-AGE=5, No-Store, S-MaxAge=7");
    assertEquals(5, cc.maxAge());
    assertEquals(7, cc.sMaxAge());
    assertTrue(cc.noStore());
  }

  @Test
  void spacesAroundNamesValuesAndCommasAreTolerated() {
    CacheControl cc = CacheControl.parse("  max-age = 60 ,\tpublic  ,s-maxage=\t90");
    assertEquals(60, cc.maxAge());
    assertEquals(90, cc.sMaxAge());
    assertTrue(cc.isPublic());
  }

  @Test
  void quotedValuesAreUnquoted() {
    CacheControl cc = CacheControl.parse("max-age=\"60\", s-maxage=\"1\\20\"");
    assertEquals(60, cc.maxAge());
    assertEquals(120, cc.sMaxAge());
  }

  @Test
  void quotedValueMayContainCommas() {
    CacheControl cc = CacheControl.parse("private=\"Set-Cookie, Authorization\", max-age=10");
    assertTrue(cc.isPrivate());
    assertEquals(10, cc.maxAge());
  }

  @Test
  void valuesFromSeveralFieldLinesAreCombined() {
    CacheControl cc = CacheControl.parse(List.of("public", "max-age=60", "stale-if-error=5"));
    assertTrue(cc.isPublic());
    assertEquals(60, cc.maxAge());
    assertEquals(5, cc.staleIfError());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "max-age=-5",
        "max-age=abc",
        "max-age=",
        "max-age",
        "max-age=1.5",
        "max-age=+5",
        "max-age=5s",
        "max-age=\"\"",
        "max-age=0x10"
      })
  void malformedOrNegativeNumberIsInvalid(String header) {
    assertEquals(-1, CacheControl.parse(header).maxAge());
  }

  @Test
  void hugeValueSaturatesAtTwoToThe31() {
    assertEquals(CacheControl.MAX_DELTA_SECONDS, CacheControl.parse("max-age=2147483648").maxAge());
    assertEquals(CacheControl.MAX_DELTA_SECONDS, CacheControl.parse("max-age=2147483649").maxAge());
    assertEquals(
        CacheControl.MAX_DELTA_SECONDS,
        CacheControl.parse("s-maxage=99999999999999999999999999999999999999").sMaxAge());
    assertEquals(2147483647L, CacheControl.parse("max-age=2147483647").maxAge());
  }

  @Test
  void duplicateDirectiveWithDifferentValuesMakesResponseStale() {
    assertEquals(0, CacheControl.parse("max-age=60, max-age=120").maxAge());
    assertEquals(0, CacheControl.parse(List.of("s-maxage=60", "s-maxage=30")).sMaxAge());
    assertEquals(0, CacheControl.parse("max-age=60, max-age=abc").maxAge());
    assertEquals(0, CacheControl.parse("stale-if-error=60, stale-if-error=1").staleIfError());
  }

  @Test
  void duplicateDirectiveWithSameValueIsKept() {
    assertEquals(60, CacheControl.parse("max-age=60, max-age=\"60\"").maxAge());
  }

  @Test
  void unknownDirectivesAreIgnored() {
    CacheControl cc = CacheControl.parse("immutable, foo=bar, max-age=60, x-custom=\"a,b\"");
    assertEquals(60, cc.maxAge());
    assertSame(CacheControl.EMPTY, CacheControl.parse("immutable, community=\"UCI\""));
  }

  @Test
  void prefixOfDirectiveNameIsNotThatDirective() {
    CacheControl cc = CacheControl.parse("max-ages=60, no-stored, publicity");
    assertEquals(-1, cc.maxAge());
    assertFalse(cc.noStore());
    assertFalse(cc.isPublic());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "=",
        "==,,==",
        "max-age=\"60",
        "\"",
        "\\",
        "max-age=\"\\",
        ",=60",
        "max-age==60",
        "no-store=\"unterminated",
        "\u0000\u0001max-age=1",
        "max-age=60\"junk\", public",
        "=\"\",=\"",
        "é=è"
      })
  void garbageNeverThrows(String header) {
    assertDoesNotThrow(() -> CacheControl.parse(header).toString());
  }

  @Test
  void textAfterQuotedValueIsSkipped() {
    CacheControl cc = CacheControl.parse("max-age=\"60\"junk, public");
    assertEquals(60, cc.maxAge());
    assertTrue(cc.isPublic());
  }

  @Test
  void toStringListsPresentDirectives() {
    assertEquals(
        "CacheControl[max-age=60, no-store]",
        CacheControl.parse("no-store, max-age=60").toString());
  }
}
