package io.strata.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathPatternTest {

  @ParameterizedTest
  @ValueSource(strings = {"/", "/index.html", "/a/b/c", "", "/images/a.jpg?x=1", "*"})
  void starAloneMatchesEverything(String path) {
    assertTrue(PathPattern.parse("*").matches(path));
  }

  @Test
  void starMatchesAcrossSlashes() {
    PathPattern pattern = PathPattern.parse("/images/*.jpg");
    assertTrue(pattern.matches("/images/a.jpg"));
    assertTrue(pattern.matches("/images/a/b.jpg"));
    assertTrue(pattern.matches("/images/.jpg"));
    assertFalse(pattern.matches("/images/a.jpeg"));
    assertFalse(pattern.matches("/img/a.jpg"));
  }

  @Test
  void starMatchesZeroCharacters() {
    assertTrue(PathPattern.parse("/api/*").matches("/api/"));
    assertTrue(PathPattern.parse("/a*b").matches("/ab"));
  }

  @Test
  void questionMarkMatchesExactlyOneCharacter() {
    PathPattern pattern = PathPattern.parse("/v?/item");
    assertTrue(pattern.matches("/v1/item"));
    assertTrue(pattern.matches("/v//item"));
    assertFalse(pattern.matches("/v/item"));
    assertFalse(pattern.matches("/v12/item"));
  }

  @Test
  void matchingIsCaseSensitive() {
    PathPattern pattern = PathPattern.parse("/Images/*.JPG");
    assertTrue(pattern.matches("/Images/a.JPG"));
    assertFalse(pattern.matches("/images/a.JPG"));
    assertFalse(pattern.matches("/Images/a.jpg"));
  }

  @Test
  void leadingSlashIsOptional() {
    PathPattern withoutSlash = PathPattern.parse("images/*.jpg");
    PathPattern withSlash = PathPattern.parse("/images/*.jpg");
    assertEquals(withSlash, withoutSlash);
    assertEquals(withSlash.hashCode(), withoutSlash.hashCode());
    assertEquals("/images/*.jpg", withoutSlash.pattern());
    assertTrue(withoutSlash.matches("/images/a/b.jpg"));
  }

  @Test
  void patternStartingWithStarIsKeptAsWritten() {
    PathPattern pattern = PathPattern.parse("*.css");
    assertEquals("*.css", pattern.pattern());
    assertTrue(pattern.matches("/static/site.css"));
    assertFalse(pattern.matches("/static/site.css.map"));
  }

  @Test
  void patternWithoutWildcardsMatchesOnlyThatPath() {
    PathPattern pattern = PathPattern.parse("/robots.txt");
    assertTrue(pattern.matches("/robots.txt"));
    assertFalse(pattern.matches("/robots.txt2"));
    assertFalse(pattern.matches("/robots"));
  }

  @Test
  void severalStarsBacktrack() {
    PathPattern pattern = PathPattern.parse("/a*b*c");
    assertTrue(pattern.matches("/abc"));
    assertTrue(pattern.matches("/aXbYc"));
    assertTrue(pattern.matches("/abbbcbc"));
    assertTrue(pattern.matches("/a/b/c/b/c"));
    assertFalse(pattern.matches("/acb"));
    assertFalse(pattern.matches("/abcx"));
    assertTrue(PathPattern.parse("/*/x/*?.js").matches("/a/b/x/y/z1.js"));
    assertFalse(PathPattern.parse("/*/x/*?.js").matches("/a/b/x/.js"));
  }

  @Test
  void runsOfStarsAreCollapsed() {
    assertEquals(PathPattern.parse("/a*b"), PathPattern.parse("/a**b"));
    assertEquals("*", PathPattern.parse("***").pattern());
    assertTrue(PathPattern.parse("***").isCatchAll());
  }

  @Test
  void pathologicalPatternCompletesQuickly() {
    PathPattern pattern = PathPattern.parse("/*a*a*a*a*a*b");
    String path = "/" + "a".repeat(100_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          assertFalse(pattern.matches(path));
          assertTrue(pattern.matches(path + "b"));
        });
  }

  @Test
  void specialCharactersAreLiteral() {
    PathPattern pattern = PathPattern.parse("/a.b$c~d\"e'f@g:h+i&j_k-l");
    assertTrue(pattern.matches("/a.b$c~d\"e'f@g:h+i&j_k-l"));
    assertFalse(pattern.matches("/aXb$c~d\"e'f@g:h+i&j_k-l"));
  }

  @Test
  void patternOf255CharactersIsAccepted() {
    String pattern = "/" + "a".repeat(254);
    assertEquals(pattern, PathPattern.parse(pattern).pattern());
  }

  @Test
  void patternLongerThan255CharactersIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PathPattern.parse("/" + "a".repeat(255)));
    assertTrue(
        e.getMessage().contains("has 256 characters (expected: at most 255)"), e.getMessage());
  }

  @Test
  void emptyPatternIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PathPattern.parse(""));
    assertEquals("'' (expected: a non-empty path pattern)", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/a b", "/a?b#c", "/a%20b", "/a\\b", "/a;b", "/é", "/a\tb", "/[a]", "/a,b", "/a=b"
      })
  void illegalCharactersAreRejected(String pattern) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PathPattern.parse(pattern));
    assertTrue(e.getMessage().contains("has illegal character"), e.getMessage());
    assertTrue(e.getMessage().contains("(allowed: A-Z a-z 0-9"), e.getMessage());
  }

  @Test
  void illegalCharacterMessageNamesCharacterAndIndex() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PathPattern.parse("/a b"));
    assertTrue(
        e.getMessage().startsWith("'/a b' has illegal character U+0020 at index 2"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PathPattern.parse("/a#"));
    assertTrue(
        e.getMessage().startsWith("'/a#' has illegal character '#' at index 2"), e.getMessage());
  }

  @Test
  void differentPatternsAreNotEqual() {
    assertNotEquals(PathPattern.parse("/a/*"), PathPattern.parse("/a/?"));
    assertEquals("/a/*", PathPattern.parse("/a/*").toString());
  }
}
