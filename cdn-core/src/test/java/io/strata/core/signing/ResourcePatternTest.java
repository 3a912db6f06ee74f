package io.strata.core.signing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResourcePatternTest {
  private static boolean m(String pattern, String scheme, String host, String path, String q) {
    return ResourcePattern.matches(pattern, scheme, host, path, q);
  }

  @Test
  void starAloneMatchesEverything() {
    assertTrue(m("*", "http", "a.example", "/x", "y=1"));
  }

  @Test
  void pathWildcardStaysInThePathSection() {
    assertTrue(m("https://d.example/dir/*.jpg", "https", "d.example", "/dir/a/b.jpg", ""));
    assertFalse(m("https://d.example/dir/*.jpg", "https", "d.example", "/dir/a.png", ""));
    // A query is only allowed after a trailing '*'.
    assertFalse(m("https://d.example/dir/*.jpg", "https", "d.example", "/dir/a.jpg", "x=1"));
    assertTrue(m("https://d.example/dir/*", "https", "d.example", "/dir/a.jpg", "x=1"));
  }

  @Test
  void domainWildcardDoesNotCrossIntoThePath() {
    assertTrue(m("https://*.example/a", "https", "cdn.example", "/a", ""));
    assertFalse(m("https://*.example/a", "https", "cdn.example", "/b", ""));
    assertFalse(m("https://d*", "https", "x.example", "/d", ""));
    // A trailing '*' in the domain allows any path and query.
    assertTrue(m("https://d*", "https", "d.example", "/any/path", "q=1"));
  }

  @Test
  void protocolSectionMatchesSeparately() {
    assertTrue(m("*://d.example/a", "http", "d.example", "/a", ""));
    assertFalse(m("https://d.example/a", "http", "d.example", "/a", ""));
    assertTrue(m("d.example/a", "http", "d.example", "/a", ""));
  }

  @Test
  void queryMayBeWrittenEscapedOrPlain() {
    assertTrue(m("https://d.example/a\\?size=*", "https", "d.example", "/a", "size=large"));
    assertTrue(m("https://d.example/a?size=large", "https", "d.example", "/a", "size=large"));
    assertFalse(m("https://d.example/a\\?size=*", "https", "d.example", "/a", "color=red"));
  }

  @Test
  void questionMarkMatchesExactlyOneCharacter() {
    assertTrue(m("https://d.example/a?.txt", "https", "d.example", "/ab.txt", ""));
    assertFalse(m("https://d.example/a?.txt", "https", "d.example", "/abc.txt", ""));
  }

  @Test
  void hostPatternMatchesAViewerOnANonDefaultPort() {
    assertTrue(m("http://127.0.0.1/x", "http", "127.0.0.1:8080", "/x", ""));
  }
}
