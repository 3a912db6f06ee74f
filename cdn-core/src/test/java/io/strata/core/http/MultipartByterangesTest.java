package io.strata.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartByterangesTest {

  private static final Buffer BODY = Buffer.buffer("0123456789abcdefghij");

  private static RangeDecision.Partial partial(String header) {
    return assertInstanceOf(RangeDecision.Partial.class, ByteRanges.evaluate(header, 20));
  }

  @Test
  void rendersPartsWithTypeAndContentRangeBetweenBoundaries() {
    MultipartByteranges m = MultipartByteranges.of(partial("bytes=0-2,10-"), "text/plain", "XYZ");
    String expected =
        "--XYZ\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Range: bytes 0-2/20\r\n"
            + "\r\n"
            + "012"
            + "\r\n--XYZ\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Range: bytes 10-19/20\r\n"
            + "\r\n"
            + "abcdefghij"
            + "\r\n--XYZ--\r\n";
    assertEquals(expected, m.render(BODY).toString(StandardCharsets.ISO_8859_1));
    assertEquals("multipart/byteranges; boundary=XYZ", m.contentType());
  }

  @Test
  void contentLengthIsExactBeforeRendering() {
    MultipartByteranges m =
        MultipartByteranges.of(partial("bytes=0-0,2-3,-5"), "application/json; charset=utf-8");
    assertEquals(m.contentLength(), m.render(BODY).length());
  }

  @Test
  void partsLeaveOutContentTypeWhenTheRepresentationHasNone() {
    MultipartByteranges m = MultipartByteranges.of(partial("bytes=0-0,5-5"), null, "b");
    String body = m.render(BODY).toString(StandardCharsets.ISO_8859_1);
    assertEquals(
        "--b\r\nContent-Range: bytes 0-0/20\r\n\r\n0\r\n--b\r\nContent-Range: bytes 5-5/20\r\n\r\n5"
            + "\r\n--b--\r\n",
        body);
    assertEquals(m.contentLength(), body.length());
  }

  @Test
  void generatedBoundariesAreLongAndDiffer() {
    RangeDecision.Partial p = partial("bytes=0-0,5-5");
    MultipartByteranges a = MultipartByteranges.of(p, "text/plain");
    MultipartByteranges b = MultipartByteranges.of(p, "text/plain");
    assertEquals(32, a.boundary().length());
    assertTrue(a.boundary().chars().allMatch(Character::isLetterOrDigit));
    assertNotEquals(a.boundary(), b.boundary());
  }

  @Test
  void invalidBoundaryIsRefused() {
    RangeDecision.Partial p = partial("bytes=0-0,5-5");
    assertThrows(IllegalArgumentException.class, () -> MultipartByteranges.of(p, null, ""));
    assertThrows(IllegalArgumentException.class, () -> MultipartByteranges.of(p, null, "a b"));
    assertThrows(
        IllegalArgumentException.class, () -> MultipartByteranges.of(p, null, "x".repeat(71)));
  }

  @Test
  void bodyOfAnotherLengthIsRefused() {
    MultipartByteranges m = MultipartByteranges.of(partial("bytes=0-0,5-5"), null, "b");
    assertThrows(IllegalArgumentException.class, () -> m.render(Buffer.buffer("short")));
  }
}
