package io.strata.core.proxy;

import io.strata.core.cache.StoredBody;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes parts of a {@link StoredBody} through Vert.x's HTTP server response without copying them:
 * the response gets a view of the body's memory. Vert.x neither retains nor releases a buffer it
 * did not allocate, so each write here consumes one reference its caller took ({@link
 * StoredBody#retain()}) and gives it back when the write's future completes, written or failed (a
 * viewer that went away fails it), or at once when the response refuses the write.
 */
final class BodyWrites {
  private BodyWrites() {}

  /** Ends {@code response} with {@code body[from, from + length)}; consumes one reference. */
  static void end(HttpServerResponse response, StoredBody body, int from, int length) {
    send(response, body, from, length, true);
  }

  /** Writes {@code body[from, from + length)} to {@code response}; consumes one reference. */
  static void write(HttpServerResponse response, StoredBody body, int from, int length) {
    send(response, body, from, length, false);
  }

  private static void send(
      HttpServerResponse response, StoredBody body, int from, int length, boolean last) {
    Future<Void> written;
    try {
      Buffer part = body.buffer(from, length);
      written = last ? response.end(part) : response.write(part);
    } catch (RuntimeException e) {
      body.release();
      throw e;
    }
    if (body.isDirect()) {
      written.onComplete(ar -> body.release());
    }
  }
}
