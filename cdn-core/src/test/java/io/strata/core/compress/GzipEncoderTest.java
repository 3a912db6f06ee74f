package io.strata.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GzipEncoderTest {

  static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 1000, 16 * 1024, 100_000})
  void chunkedTextRoundTripsThroughGzipInputStream(int chunk) {
    byte[] input = EncoderRoundTrip.text(200_000, chunk);
    byte[] gz = EncoderRoundTrip.encode(new GzipEncoder(), input, chunk);
    assertArrayEquals(input, gunzip(gz));
    assertTrue(gz.length < input.length / 3, "text compresses: " + gz.length);
  }

  @Test
  void incompressibleBodyRoundTrips() {
    byte[] input = EncoderRoundTrip.noise(70_000, 1);
    assertArrayEquals(input, gunzip(EncoderRoundTrip.encode(new GzipEncoder(1), input, 4096)));
  }

  @Test
  void emptyBodyIsAValidGzipStream() {
    GzipEncoder e = new GzipEncoder();
    Buffer out = e.encode(Buffer.buffer()).appendBuffer(e.finish());
    assertEquals(0, gunzip(out.getBytes()).length);
  }

  @Test
  void streamStartsWithGzipMagicAndEndsWithCrcAndSize() {
    byte[] input = EncoderRoundTrip.text(5000, 3);
    byte[] gz = EncoderRoundTrip.encode(new GzipEncoder(), input, 1000);
    assertEquals(0x1f, gz[0] & 0xff);
    assertEquals(0x8b, gz[1] & 0xff);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(input);
    Buffer tail = Buffer.buffer(gz).getBuffer(gz.length - 8, gz.length);
    assertEquals((int) crc.getValue(), tail.getIntLE(0));
    assertEquals(input.length, tail.getIntLE(4));
  }

  @Test
  void flushEmitsEverythingGivenSoFar() {
    byte[] input = EncoderRoundTrip.text(3000, 4);
    GzipEncoder e = new GzipEncoder();
    Buffer sent = e.encode(Buffer.buffer(input)).appendBuffer(e.flush());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(sent.getBytes()))) {
      byte[] got = in.readNBytes(input.length);
      assertArrayEquals(input, got);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    e.close();
  }

  @Test
  void inputAfterFinishOrCloseIsRefused() {
    GzipEncoder e = new GzipEncoder();
    e.finish();
    assertThrows(IllegalStateException.class, () -> e.encode(Buffer.buffer("x")));
    assertThrows(IllegalStateException.class, e::finish);
    e.close();
    GzipEncoder closed = new GzipEncoder();
    closed.close();
    closed.close();
    assertThrows(IllegalStateException.class, () -> closed.encode(Buffer.buffer("x")));
  }

  @Test
  void invalidLevelIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new GzipEncoder(10));
  }

  @Test
  void factoryCreatesGzip() {
    try (ContentEncoder e = ContentEncoder.create(ContentCoding.GZIP)) {
      assertEquals(ContentCoding.GZIP, e.coding());
    }
  }
}
