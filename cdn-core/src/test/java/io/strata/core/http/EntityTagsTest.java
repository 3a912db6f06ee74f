package io.strata.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.http.EntityTags.ListMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntityTagsTest {

  @ParameterizedTest
  @ValueSource(strings = {"\"abc\"", "W/\"abc\"", "\"\"", " \"a,b\" ", "\"x!#~\""})
  void acceptsValidEntityTags(String tag) {
    assertTrue(EntityTags.isValid(tag));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "\"abc", "w/\"abc\"", "\"a b\"", "\"a\"b\"", "W/", "", "\"a\"x"})
  void rejectsInvalidEntityTags(String tag) {
    assertFalse(EntityTags.isValid(tag));
  }

  @Test
  void nullIsNeitherValidNorMatching() {
    assertFalse(EntityTags.isValid(null));
    assertFalse(EntityTags.strongEquals(null, "\"a\""));
    assertEquals(ListMatch.MALFORMED, EntityTags.matchList(null, "\"a\"", true));
  }

  @Test
  void strongComparisonRequiresBothStrongAndEqual() {
    assertTrue(EntityTags.strongEquals("\"1\"", "\"1\""));
    assertFalse(EntityTags.strongEquals("W/\"1\"", "\"1\""));
    assertFalse(EntityTags.strongEquals("\"1\"", "W/\"1\""));
    assertFalse(EntityTags.strongEquals("\"1\"", "\"2\""));
  }

  @Test
  void weakComparisonIgnoresWeakness() {
    assertTrue(EntityTags.weakEquals("W/\"1\"", "\"1\""));
    assertTrue(EntityTags.weakEquals("W/\"1\"", "W/\"1\""));
    assertFalse(EntityTags.weakEquals("W/\"1\"", "W/\"2\""));
  }

  @Test
  void starListMatchesAny() {
    assertEquals(ListMatch.ANY, EntityTags.matchList(" * ", null, true));
  }

  @Test
  void listWithQuotedCommasIsSplitOnlyBetweenTags() {
    assertEquals(ListMatch.MATCH, EntityTags.matchList("\"a,b\", \"c\"", "\"a,b\"", true));
    assertEquals(ListMatch.NO_MATCH, EntityTags.matchList("\"a,b\", \"c\"", "\"a\"", true));
    assertEquals(ListMatch.MATCH, EntityTags.matchList("\"x\",\"a,b\"", "\"a,b\"", false));
  }

  @Test
  void listToleratesEmptyElementsAndWhitespace() {
    assertEquals(ListMatch.MATCH, EntityTags.matchList(" ,\"x\" ,, W/\"y\" ,", "\"y\"", false));
  }

  @Test
  void strongListMatchSkipsWeakMembers() {
    assertEquals(ListMatch.NO_MATCH, EntityTags.matchList("W/\"y\"", "\"y\"", true));
    assertEquals(ListMatch.MATCH, EntityTags.matchList("W/\"y\"", "\"y\"", false));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", " ", ",", "abc", "\"a\" \"b\"", "\"a\", b", "\"unterminated", "*, \"a\""})
  void malformedListsAreReportedNotThrown(String list) {
    assertEquals(ListMatch.MALFORMED, EntityTags.matchList(list, "\"a\"", true));
  }

  @Test
  void invalidStoredTagNeverMatches() {
    assertEquals(ListMatch.NO_MATCH, EntityTags.matchList("\"a\"", "a", false));
    assertEquals(ListMatch.NO_MATCH, EntityTags.matchList("\"a\"", null, true));
  }
}
