package io.strata.core.proxy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Unique request ids: 128 random bits as 22 URL-safe base64 characters, like CloudFront's ids. */
public final class RequestIds {
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(StandardCharsets.US_ASCII);

  /**
   * Per-thread scratch for the 22 characters: the id is built as Latin-1 bytes, so the only
   * allocation is the String itself (a {@code char[]} would be built, then compressed, then
   * dropped).
   */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[22]);

  /** The length of an id. */
  public static final int LENGTH = 22;

  private RequestIds() {}

  /** Writes a new id's 22 characters to {@code out}, without making a string. */
  static void writeNext(io.netty.buffer.ByteBuf out) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = r.nextLong();
    long lo = r.nextLong();
    for (int i = 0; i < 11; i++) {
      out.writeByte(ALPHABET[(int) (hi & 63)]);
      hi >>>= 6;
    }
    for (int i = 0; i < 11; i++) {
      out.writeByte(ALPHABET[(int) (lo & 63)]);
      lo >>>= 6;
    }
  }

  public static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = r.nextLong();
    long lo = r.nextLong();
    byte[] out = SCRATCH.get();
    for (int i = 0; i < 11; i++) {
      out[i] = ALPHABET[(int) (hi & 63)];
      hi >>>= 6;
      out[11 + i] = ALPHABET[(int) (lo & 63)];
      lo >>>= 6;
    }
    return new String(out, 0, 22, StandardCharsets.ISO_8859_1);
  }

  /** True for an id this class could have made; anything else from a client is replaced. */
  public static boolean isWellFormed(String id) {
    if (id == null || id.length() != 22) {
      return false;
    }
    for (int i = 0; i < 22; i++) {
      char c = id.charAt(i);
      if (!(c >= 'A' && c <= 'Z'
          || c >= 'a' && c <= 'z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
