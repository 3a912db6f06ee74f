package io.strata.core.server.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1ScannerTest {
  private static ByteBuf bytes(String text) {
    return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static int feed(Http1Scanner scanner, String text) {
    ByteBuf buf = bytes(text);
    return scanner.feed(buf, buf.readerIndex(), buf.writerIndex());
  }

  /** Feeds one byte at a time, as a slowloris client would send it. */
  private static int trickle(Http1Scanner scanner, String text) {
    for (int i = 0; i < text.length(); i++) {
      int result = feed(scanner, text.substring(i, i + 1));
      if (result != Http1Scanner.MORE) {
        return result;
      }
    }
    return Http1Scanner.MORE;
  }

  @Test
  void wellFormedRequestsOfEveryFramingAreAccepted() {
    String requests =
        "\r\nGET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n"
            + "POST /u HTTP/1.1\r\nHost: a\r\ncontent-LENGTH:  5 \r\n\r\nhello"
            + "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tCHUNKED \r\n\r\n"
            + "5;ext=\"v\"\r\nhello\r\nA \t;x\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n"
            + "GET /utf8/\u00e9 HTTP/1.1\r\nHost: a\r\nX-Obs: caf\u00e9\r\n\r\n";
    for (boolean slow : new boolean[] {false, true}) {
      Http1Scanner scanner = new Http1Scanner(100);
      int result = slow ? trickle(scanner, requests) : feed(scanner, requests);
      assertEquals(Http1Scanner.MORE, result);
      assertEquals(4, scanner.headsCompleted());
      assertFalse(scanner.inHead());
    }
  }

  @Test
  void headIsInProgressFromItsFirstByteUntilTheBlankLine() {
    Http1Scanner scanner = new Http1Scanner(100);
    assertFalse(scanner.inHead());
    feed(scanner, "G");
    assertTrue(scanner.inHead());
    assertEquals(1, scanner.headsStarted());
    feed(scanner, "ET / HTTP/1.1\r\nHost: a\r\n");
    assertTrue(scanner.inHead());
    feed(scanner, "\r\n");
    assertFalse(scanner.inHead());
    assertEquals(1, scanner.headsCompleted());
  }

  @Test
  void bodyBytesAreNotHeadBytes() {
    Http1Scanner scanner = new Http1Scanner(100);
    feed(scanner, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nGET / HTTP");
    assertFalse(scanner.inHead(), "the body only looks like a request");
    assertEquals(1, scanner.headsStarted());
  }

  @Test
  void http2PrefaceIsRecognisedAtTheStartEvenInPieces() {
    assertEquals(
        Http1Scanner.HTTP2, trickle(new Http1Scanner(100), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
  }

  @Test
  void http2PrefaceLaterIsOnlyAllowedAfterAnUpgradeRequest() {
    Http1Scanner upgraded = new Http1Scanner(100);
    String upgrade =
        "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQ\r\n\r\n";
    assertEquals(Http1Scanner.HTTP2, feed(upgraded, upgrade + "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    Http1Scanner plain = new Http1Scanner(100);
    assertEquals(
        Http1Scanner.MORE,
        feed(plain, "GET / HTTP/1.1\r\nHost: a\r\n\r\nPRI * HTTP/2.0\r\n\r\n"),
        "read as an HTTP/1 request (which the HTTP server refuses), never passed through unread");
    assertEquals(2, plain.headsCompleted());
  }

  @Test
  void methodThatStartsLikeThePrefaceIsReadAsHttp1() {
    Http1Scanner scanner = new Http1Scanner(100);
    assertEquals(Http1Scanner.MORE, trickle(scanner, "PRIVATE / HTTP/1.1\r\nHost: a\r\n\r\n"));
    assertEquals(1, scanner.headsCompleted());
    Http1Scanner smuggled = new Http1Scanner(100);
    assertEquals(
        Http1Scanner.REJECT,
        feed(
            smuggled, "PRI * HTTP/2.0\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"));
  }

  @Test
  void refusalsNameTheirReasonAndWhereTheRefusedRequestBegan() {
    Http1Scanner scanner = new Http1Scanner(100);
    String first = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
    assertEquals(Http1Scanner.REJECT, feed(scanner, first + "GET /b HTTP/1.1\r\nHost : a\r\n\r\n"));
    assertEquals("space_before_colon", scanner.rejectReason());
    assertEquals(400, scanner.rejectStatus());
    assertEquals(first.length(), scanner.requestStart());
    assertEquals(1, scanner.headsCompleted(), "the refused request never counts as handed on");
  }

  @Test
  void chunkErrorAfterTheHeadWasHandedOnIsMarkedDispatched() {
    Http1Scanner scanner = new Http1Scanner(100);
    feed(scanner, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    assertEquals(Http1Scanner.REJECT, feed(scanner, "g\r\n"));
    assertEquals("bad_chunk_size", scanner.rejectReason());
    assertTrue(scanner.rejectedDispatched());
  }

  @Test
  void headerLinesBeyondTheLimitAre431() {
    Http1Scanner scanner = new Http1Scanner(3);
    assertEquals(
        Http1Scanner.REJECT,
        feed(scanner, "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"));
    assertEquals(431, scanner.rejectStatus());
    assertEquals("too_many_headers", scanner.rejectReason());
  }

  @Test
  void eachAmbiguityHasItsReason() {
    String[][] cases = {
      {
        "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
        "duplicate_content_length"
      },
      {"GET / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", "bad_content_length"},
      {"GET / HTTP/1.1\r\nContent-Length:\r\n\r\n", "bad_content_length"},
      {"GET / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n\r\n", "bad_content_length"},
      {"GET / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "bad_transfer_encoding"},
      {"GET / HTTP/1.1\r\nTransfer-Encoding: chunkedx\r\n\r\n", "bad_transfer_encoding"},
      {"GET / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n", "bad_transfer_encoding"},
      {"GET / HTTP/1.1\r\nA: b\r\n\tc\r\n\r\n", "obsolete_line_folding"},
      {"GET / HTTP/1.1\r\n\r\n", null},
      {"GET\0/ HTTP/1.1\r\n\r\n", "bad_request_line"},
      {"GET / HTTP/1.1\r\nA: b\u007f\r\n\r\n", "bad_header_value"},
      {"GET / HTTP/1.1\r\n: b\r\n\r\n", "bad_header_name"},
      {"GET / HTTP/1.1\r\nA\r\n\r\n", "bad_header_name"},
      {"GET / HTTP/1.1\r\n\n", "bare_lf"},
      {"\nGET / HTTP/1.1\r\n\r\n", "bare_lf"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "bad_chunk_size"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1 x\r\n", "bad_chunk_size"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a\0\r\n", "bad_chunk_extension"},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", "bad_chunk_data"},
      {
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA : b\r\n\r\n",
        "space_before_colon"
      },
    };
    for (String[] c : cases) {
      Http1Scanner scanner = new Http1Scanner(100);
      int result = feed(scanner, c[0]);
      if (c[1] == null) {
        assertEquals(Http1Scanner.MORE, result, c[0]);
      } else {
        assertEquals(Http1Scanner.REJECT, result, c[0]);
        assertEquals(c[1], scanner.rejectReason(), c[0]);
      }
    }
  }
}
