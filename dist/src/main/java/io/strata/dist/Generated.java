package io.strata.dist;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/**
 * The example origin's generated content, {@code /gen/SIZE[/MILLISms]/NAME}: {@code SIZE}
 * deterministic bytes derived from {@code NAME}, {@code Cache-Control: public, max-age=3600}. Load
 * tests need objects of exact sizes and an unbounded catalogue of distinct keys without files on
 * disk.
 */
final class Generated {
  static final long MAX_SIZE = 64L << 20;
  static final long MAX_DELAY_MILLIS = 10_000;
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Generated() {}

  static void serve(Vertx vertx, HttpServerRequest request) {
    String[] parts = request.path().substring("/gen/".length()).split("/", -1);
    long size = parts.length >= 2 ? parseSize(parts[0]) : -1;
    long delay = parts.length == 3 ? parseDelay(parts[1]) : 0;
    String name = parts[parts.length - 1];
    if (size < 0 || delay < 0 || parts.length > 3 || name.isEmpty()) {
      request
          .response()
          .setStatusCode(400)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(
              "expected /gen/SIZE/NAME or /gen/SIZE/MILLISms/NAME with SIZE at most 64m and"
                  + " MILLIS at most 10000\n");
      return;
    }
    if (delay == 0) {
      respond(request, size, name);
    } else {
      vertx.setTimer(delay, t -> respond(request, size, name));
    }
  }

  private static void respond(HttpServerRequest request, long size, String name) {
    request
        .response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Cache-Control", "public, max-age=3600");
    request.response().end(body((int) size, name));
  }

  /** {@code size} bytes of the alphabet, starting at an offset chosen by the name. */
  static Buffer body(int size, String name) {
    byte[] bytes = new byte[size];
    int offset = Math.floorMod(name.hashCode(), ALPHABET.length);
    for (int i = 0; i < size; i++) {
      bytes[i] = ALPHABET[(offset + i) & (ALPHABET.length - 1)];
    }
    return Buffer.buffer(bytes);
  }

  /** {@code 1024}, {@code 16k}, {@code 1m}; -1 when malformed or above {@link #MAX_SIZE}. */
  static long parseSize(String s) {
    String v = s.toLowerCase(Locale.ROOT);
    long unit = 1;
    if (v.endsWith("k") || v.endsWith("m")) {
      unit = v.endsWith("k") ? 1L << 10 : 1L << 20;
      v = v.substring(0, v.length() - 1);
    }
    long n = parseDigits(v);
    return n < 0 || n > MAX_SIZE / unit ? -1 : n * unit;
  }

  private static long parseDelay(String s) {
    if (!s.endsWith("ms")) {
      return -1;
    }
    long n = parseDigits(s.substring(0, s.length() - 2));
    return n > MAX_DELAY_MILLIS ? -1 : n;
  }

  private static long parseDigits(String v) {
    if (v.isEmpty() || v.length() > 9) {
      return -1;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(v);
  }
}
