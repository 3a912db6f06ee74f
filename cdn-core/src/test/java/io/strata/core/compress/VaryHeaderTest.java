package io.strata.core.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VaryHeaderTest {

  @Test
  void acceptEncodingIsAppendedOnce() {
    assertEquals("Accept-Encoding", VaryHeader.withAcceptEncoding((String) null));
    assertEquals("Origin, Accept-Encoding", VaryHeader.withAcceptEncoding("Origin, "));
    assertEquals(
        "origin, accept-encoding", VaryHeader.withAcceptEncoding("origin, accept-encoding"));
  }

  /** Found by HeaderParsersFuzzTest: a star after a newline became "*, Accept-Encoding". */
  @Test
  void starMemberPaddedWithAnyWhitespaceStaysStar() {
    assertEquals("*", VaryHeader.withAcceptEncoding("\n *"));
    assertEquals("*", VaryHeader.withAcceptEncoding("\u000b*\f"));
    assertEquals("*", VaryHeader.withAcceptEncoding("Origin,\r\n*"));
  }

  /** The same: padding other than space and tab no longer hides Accept-Encoding. */
  @Test
  void acceptEncodingPaddedWithAnyWhitespaceIsRecognised() {
    assertEquals(
        "\fAccept-Encoding\u000b", VaryHeader.withAcceptEncoding("\fAccept-Encoding\u000b"));
    String once = VaryHeader.withAcceptEncoding("Origin\n");
    assertEquals("Origin, Accept-Encoding", once);
    assertEquals(once, VaryHeader.withAcceptEncoding(once));
  }
}
