package io.strata.core.compress;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.aayushatharva.brotli4j.encoder.EncoderJNI;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Streaming Brotli (RFC 7932) through Brotli4j, Google's C encoder over JNI; the native library
 * comes from the {@code com.aayushatharva.brotli4j:native-*} artifact of the platform. When it
 * cannot be loaded, {@link #isAvailable()} is false and callers must not offer {@code br} (see
 * {@link AcceptEncoding#normalize(String, boolean, boolean)}).
 *
 * <p>The encoder's state lives in native memory: {@link #close()} (or {@link #finish()}) frees it,
 * so an abandoned body must be closed. See {@link ContentEncoder} for the contract.
 */
public final class BrotliEncoder implements ContentEncoder {

  /** The default quality: 5, a good ratio at a speed fit for compressing on the fly. */
  public static final int DEFAULT_QUALITY = 5;

  /** The default window: 2<sup>22</sup> bytes, the encoder's own default. */
  public static final int DEFAULT_WINDOW_BITS = 22;

  private static final int INPUT_BUFFER = 16 * 1024;

  private final EncoderJNI.Wrapper encoder;
  private final byte[] scratch = new byte[INPUT_BUFFER];
  private boolean closed;

  /** An encoder with {@link #DEFAULT_QUALITY} and {@link #DEFAULT_WINDOW_BITS}. */
  public BrotliEncoder() {
    this(DEFAULT_QUALITY, DEFAULT_WINDOW_BITS);
  }

  /**
   * An encoder with the given settings.
   *
   * @param quality 0 (fastest) to 11 (smallest)
   * @param windowBits 10 to 24
   * @throws IllegalStateException when Brotli is not available on this platform
   */
  public BrotliEncoder(int quality, int windowBits) {
    if (quality < 0 || quality > 11) {
      throw new IllegalArgumentException("quality: " + quality + " (expected: 0 to 11)");
    }
    if (windowBits < 10 || windowBits > 24) {
      throw new IllegalArgumentException("windowBits: " + windowBits + " (expected: 10 to 24)");
    }
    if (!isAvailable()) {
      throw new IllegalStateException("Brotli is not available: " + unavailabilityCause());
    }
    try {
      encoder = new EncoderJNI.Wrapper(INPUT_BUFFER, quality, windowBits, Encoder.Mode.GENERIC);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Brotli encoder", e);
    }
  }

  /** True when the native Brotli library is loaded (it is loaded once, on the first call). */
  public static boolean isAvailable() {
    try {
      return Brotli4jLoader.isAvailable();
    } catch (LinkageError e) {
      return false;
    }
  }

  /** Why Brotli is unavailable, for a start-up log line; {@code null} when it is available. */
  public static Throwable unavailabilityCause() {
    try {
      return Brotli4jLoader.getUnavailabilityCause();
    } catch (LinkageError e) {
      return e;
    }
  }

  @Override
  public ContentCoding coding() {
    return ContentCoding.BR;
  }

  @Override
  public Buffer encode(Buffer chunk) {
    ensureOpen();
    Buffer result = Buffer.buffer();
    int length = chunk.length();
    for (int pos = 0; pos < length; ) {
      ByteBuffer input = encoder.getInputBuffer();
      input.clear();
      int n = Math.min(input.capacity(), length - pos);
      chunk.getBytes(pos, pos + n, scratch, 0);
      input.put(scratch, 0, n);
      encoder.push(EncoderJNI.Operation.PROCESS, n);
      drain(result, EncoderJNI.Operation.PROCESS);
      pos += n;
    }
    return result;
  }

  @Override
  public Buffer flush() {
    ensureOpen();
    Buffer result = Buffer.buffer();
    encoder.push(EncoderJNI.Operation.FLUSH, 0);
    drain(result, EncoderJNI.Operation.FLUSH);
    return result;
  }

  @Override
  public Buffer finish() {
    ensureOpen();
    Buffer result = Buffer.buffer();
    try {
      encoder.push(EncoderJNI.Operation.FINISH, 0);
      drain(result, EncoderJNI.Operation.FINISH);
      while (!encoder.isFinished()) {
        encoder.push(EncoderJNI.Operation.FINISH, 0);
        drain(result, EncoderJNI.Operation.FINISH);
      }
    } finally {
      close();
    }
    return result;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      encoder.destroy();
    }
  }

  /** Pulls all output the encoder has, feeding it {@code op} while it still holds input. */
  private void drain(Buffer result, EncoderJNI.Operation op) {
    while (true) {
      if (!encoder.isSuccess()) {
        throw new IllegalStateException("Brotli encoding failed");
      }
      if (encoder.hasMoreOutput()) {
        ByteBuffer output = encoder.pull();
        while (output.hasRemaining()) {
          int k = Math.min(scratch.length, output.remaining());
          output.get(scratch, 0, k);
          result.appendBytes(scratch, 0, k);
        }
      } else if (encoder.hasRemainingInput()) {
        encoder.push(op, 0);
      } else {
        return;
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Brotli encoder already finished or closed");
    }
  }
}
