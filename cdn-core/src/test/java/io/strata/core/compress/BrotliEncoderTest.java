package io.strata.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Needs the native library: on this build's platforms (linux-x86_64) Brotli must be available. */
class BrotliEncoderTest {

  static byte[] unbrotli(byte[] br) {
    try {
      DirectDecompress d = Decoder.decompress(br);
      assertEquals(DecoderJNI.Status.DONE, d.getResultStatus());
      return d.getDecompressedData();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void brotliIsAvailableOnThisPlatform() {
    assertTrue(
        BrotliEncoder.isAvailable(), () -> "unavailable: " + BrotliEncoder.unavailabilityCause());
    assertNull(BrotliEncoder.unavailabilityCause());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 1000, 16 * 1024, 100_000})
  void chunkedTextRoundTripsThroughTheBrotliDecoder(int chunk) {
    byte[] input = EncoderRoundTrip.text(200_000, chunk);
    byte[] br = EncoderRoundTrip.encode(new BrotliEncoder(), input, chunk);
    assertArrayEquals(input, unbrotli(br));
    assertTrue(br.length < input.length / 3, "text compresses: " + br.length);
  }

  @Test
  void incompressibleBodyRoundTrips() {
    byte[] input = EncoderRoundTrip.noise(70_000, 2);
    assertArrayEquals(
        input, unbrotli(EncoderRoundTrip.encode(new BrotliEncoder(1, 18), input, 5000)));
  }

  @Test
  void emptyBodyIsAValidBrotliStream() {
    BrotliEncoder e = new BrotliEncoder();
    Buffer out = e.encode(Buffer.buffer()).appendBuffer(e.finish());
    assertEquals(0, unbrotli(out.getBytes()).length);
  }

  @Test
  void flushedPrefixPlusFinishDecodes() {
    byte[] input = EncoderRoundTrip.text(30_000, 5);
    BrotliEncoder e = new BrotliEncoder();
    Buffer out = e.encode(Buffer.buffer().appendBytes(input, 0, 10_000));
    Buffer flushed = e.flush();
    assertTrue(out.length() + flushed.length() > 0, "flush emits the pending bytes");
    out.appendBuffer(flushed);
    out.appendBuffer(e.encode(Buffer.buffer().appendBytes(input, 10_000, 20_000)));
    out.appendBuffer(e.finish());
    assertArrayEquals(input, unbrotli(out.getBytes()));
  }

  @Test
  void inputAfterFinishOrCloseIsRefused() {
    BrotliEncoder e = new BrotliEncoder();
    e.finish();
    assertThrows(IllegalStateException.class, () -> e.encode(Buffer.buffer("x")));
    e.close();
    BrotliEncoder closed = new BrotliEncoder();
    closed.close();
    closed.close();
    assertThrows(IllegalStateException.class, closed::flush);
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BrotliEncoder(12, 22));
    assertThrows(IllegalArgumentException.class, () -> new BrotliEncoder(5, 9));
  }

  @Test
  void factoryCreatesBrotli() {
    try (ContentEncoder e = ContentEncoder.create(ContentCoding.BR)) {
      assertEquals(ContentCoding.BR, e.coding());
    }
  }
}
