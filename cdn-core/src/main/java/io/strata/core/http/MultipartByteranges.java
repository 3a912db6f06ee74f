package io.strata.core.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code multipart/byteranges} body (RFC 9110 §14.6) of a {@code 206} response to a request for
 * several ranges.
 *
 * <p>Layout, with no preamble and no epilogue:
 *
 * <pre>
 * --BOUNDARY CRLF
 * Content-Type: TYPE CRLF          (only when the representation has a type)
 * Content-Range: bytes 0-49/1000 CRLF
 * CRLF
 * ...the bytes of the first range...
 * CRLF --BOUNDARY CRLF
 * ...next part...
 * CRLF --BOUNDARY-- CRLF
 * </pre>
 *
 * The response carries {@link #contentType()} as its {@code Content-Type} and {@link
 * #contentLength()} as its {@code Content-Length}, both known before the first byte is written.
 *
 * <p>Several ranges on a miss are sent once the whole body is in the cache (the part headers are
 * cheap; the caller calls {@link #render(Buffer)} with the complete body). Instances are immutable
 * and thread-safe.
 */
public final class MultipartByteranges {

  private static final char[] BOUNDARY_CHARS =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int GENERATED_BOUNDARY_LENGTH = 32;

  private final RangeDecision.Partial partial;
  private final String boundary;
  private final byte[][] partHeads;
  private final byte[] close;
  private final long contentLength;

  private MultipartByteranges(RangeDecision.Partial partial, String contentType, String boundary) {
    this.partial = partial;
    this.boundary = boundary;
    List<ByteRange> ranges = partial.ranges();
    partHeads = new byte[ranges.size()][];
    long total = 0;
    for (int i = 0; i < ranges.size(); i++) {
      ByteRange r = ranges.get(i);
      StringBuilder head = new StringBuilder(96);
      if (i > 0) {
        head.append("\r\n");
      }
      head.append("--").append(boundary).append("\r\n");
      if (contentType != null && !contentType.isBlank()) {
        head.append("Content-Type: ").append(contentType.strip()).append("\r\n");
      }
      head.append("Content-Range: ")
          .append(r.contentRange(partial.completeLength()))
          .append("\r\n\r\n");
      partHeads[i] = head.toString().getBytes(StandardCharsets.ISO_8859_1);
      total += partHeads[i].length + r.length();
    }
    close = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    contentLength = total + close.length;
  }

  /**
   * Plans the body with a fresh random boundary of {@value #GENERATED_BOUNDARY_LENGTH} alphanumeric
   * characters.
   *
   * @param partial the ranges to send; normally {@link RangeDecision.Partial#isMultipart()}
   * @param contentType the representation's {@code Content-Type}, repeated in each part; {@code
   *     null} to leave it out
   */
  public static MultipartByteranges of(RangeDecision.Partial partial, String contentType) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] b = new char[GENERATED_BOUNDARY_LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = BOUNDARY_CHARS[random.nextInt(BOUNDARY_CHARS.length)];
    }
    return new MultipartByteranges(partial, contentType, new String(b));
  }

  /**
   * Plans the body with the given boundary (tests, reproducible output).
   *
   * @throws IllegalArgumentException when {@code boundary} is not 1 to 70 characters of {@code 0-9
   *     A-Z a-z '()+_,-./:=?}
   */
  public static MultipartByteranges of(
      RangeDecision.Partial partial, String contentType, String boundary) {
    if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
      throw new IllegalArgumentException("boundary: " + boundary + " (expected: 1 to 70 chars)");
    }
    for (int i = 0; i < boundary.length(); i++) {
      char c = boundary.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || "'()+_,-./:=?".indexOf(c) >= 0;
      if (!ok) {
        throw new IllegalArgumentException(
            "boundary: " + boundary + " (expected: only 0-9 A-Z a-z '()+_,-./:=?)");
      }
    }
    return new MultipartByteranges(partial, contentType, boundary);
  }

  /** The boundary string. */
  public String boundary() {
    return boundary;
  }

  /** The response's {@code Content-Type}: {@code multipart/byteranges; boundary=BOUNDARY}. */
  public String contentType() {
    return "multipart/byteranges; boundary=" + boundary;
  }

  /**
   * The delimiter and part headers written before range {@code i}'s bytes, for writers that send
   * the parts without building the whole body.
   */
  public byte[] partHead(int i) {
    return partHeads[i].clone();
  }

  /** The close delimiter written after the last part. */
  public byte[] closeDelimiter() {
    return close.clone();
  }

  /** The exact number of bytes {@link #render(Buffer)} produces. */
  public long contentLength() {
    return contentLength;
  }

  /**
   * Builds the whole body.
   *
   * @param full the complete representation; its length must be {@link
   *     RangeDecision.Partial#completeLength()}
   * @throws IllegalArgumentException when {@code full} has another length
   */
  public Buffer render(Buffer full) {
    if (full.length() != partial.completeLength()) {
      throw new IllegalArgumentException(
          "full: "
              + full.length()
              + " bytes (expected: "
              + partial.completeLength()
              + ", the representation's length)");
    }
    Buffer out = Buffer.buffer((int) Math.min(Integer.MAX_VALUE, contentLength));
    List<ByteRange> ranges = partial.ranges();
    for (int i = 0; i < ranges.size(); i++) {
      ByteRange r = ranges.get(i);
      out.appendBytes(partHeads[i]);
      out.appendBuffer(full, (int) r.first(), (int) r.length());
    }
    out.appendBytes(close);
    return out;
  }
}
