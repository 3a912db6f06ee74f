package io.strata.core.compress;

import io.vertx.core.buffer.Buffer;

/**
 * A streaming encoder for one response body: feed the body's chunks in order to {@link
 * #encode(Buffer)} and write what each call returns, then write what {@link #finish()} returns.
 *
 * <p>Each call returns a new {@link Buffer} that may be empty (the encoder keeps data back until it
 * has enough to compress well); the concatenation of all returned buffers is the encoded body.
 * {@link #flush()} forces out everything given so far (at some cost in ratio), for a writer that
 * must not hold bytes back. After {@link #finish()} or {@link #close()}, the encoder refuses more
 * input with {@link IllegalStateException}. {@link #close()} releases native or zlib memory and
 * must be called when a body is abandoned; {@link #finish()} calls it. Not thread-safe: one
 * instance per body, used by one thread (or context) at a time.
 */
public interface ContentEncoder extends AutoCloseable {

  /** The coding this encoder produces, for {@code Content-Encoding}. */
  ContentCoding coding();

  /**
   * Encodes the next chunk of the body.
   *
   * @param chunk the next bytes; may be empty
   * @return encoded bytes ready to send; possibly empty
   */
  Buffer encode(Buffer chunk);

  /** Returns everything that can be emitted for the input so far. */
  Buffer flush();

  /** Ends the body: returns the last encoded bytes and releases resources. */
  Buffer finish();

  /** Releases resources without finishing; idempotent. */
  @Override
  void close();

  /**
   * A new encoder for {@code coding}.
   *
   * @throws IllegalStateException for {@link ContentCoding#BR} when {@link
   *     BrotliEncoder#isAvailable()} is false
   */
  static ContentEncoder create(ContentCoding coding) {
    return switch (coding) {
      case GZIP -> new GzipEncoder();
      case BR -> new BrotliEncoder();
    };
  }
}
