package io.strata.core.compress;

import io.vertx.core.buffer.Buffer;
import java.util.Random;

/** Shared inputs and chunk feeding for the encoder tests. */
final class EncoderRoundTrip {

  private EncoderRoundTrip() {}

  /** Compressible text: a few words repeated with some randomness. */
  static byte[] text(int size, long seed) {
    String[] words = {"cache ", "edge ", "origin ", "strata ", "<div>", "</div>\n", "{\"k\":1}"};
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder(size + 16);
    while (sb.length() < size) {
      sb.append(words[random.nextInt(words.length)]);
    }
    return sb.substring(0, size).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Random, incompressible bytes. */
  static byte[] noise(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Encodes {@code input} in chunks of {@code chunk} bytes, with an empty chunk after each. */
  static byte[] encode(ContentEncoder encoder, byte[] input, int chunk) {
    Buffer out = Buffer.buffer();
    for (int pos = 0; pos < input.length; pos += chunk) {
      int end = Math.min(input.length, pos + chunk);
      out.appendBuffer(encoder.encode(Buffer.buffer().appendBytes(input, pos, end - pos)));
      out.appendBuffer(encoder.encode(Buffer.buffer()));
    }
    out.appendBuffer(encoder.finish());
    return out.getBytes();
  }
}
