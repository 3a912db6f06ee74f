package io.strata.core.compress;

import io.vertx.core.buffer.Buffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Streaming gzip (RFC 1952): a raw DEFLATE stream from {@link Deflater} between a fixed 10-byte
 * header (no file name, mtime 0, OS unknown) and the trailer of CRC-32 and input size mod
 * 2<sup>32</sup>, both little-endian. The input is copied through one reusable scratch array and
 * the output through another, so a chunk costs no allocation beyond the returned {@link Buffer}.
 * See {@link ContentEncoder} for the contract.
 */
public final class GzipEncoder implements ContentEncoder {

  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff
  };
  private static final int SCRATCH = 16 * 1024;

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final byte[] in = new byte[SCRATCH];
  private final byte[] out = new byte[SCRATCH];
  private long size;
  private boolean headerWritten;
  private boolean closed;

  /** An encoder at zlib's default level (6). */
  public GzipEncoder() {
    this(Deflater.DEFAULT_COMPRESSION);
  }

  /**
   * An encoder at a given level.
   *
   * @param level 1 (fastest) to 9 (smallest), or {@link Deflater#DEFAULT_COMPRESSION}
   */
  public GzipEncoder(int level) {
    if ((level < 1 || level > 9) && level != Deflater.DEFAULT_COMPRESSION) {
      throw new IllegalArgumentException("level: " + level + " (expected: 1 to 9, or -1)");
    }
    deflater = new Deflater(level, true);
  }

  @Override
  public ContentCoding coding() {
    return ContentCoding.GZIP;
  }

  @Override
  public Buffer encode(Buffer chunk) {
    ensureOpen();
    Buffer result = start();
    int length = chunk.length();
    for (int pos = 0; pos < length; ) {
      int n = Math.min(in.length, length - pos);
      chunk.getBytes(pos, pos + n, in, 0);
      crc.update(in, 0, n);
      deflater.setInput(in, 0, n);
      while (!deflater.needsInput()) {
        drainOnce(result, Deflater.NO_FLUSH);
      }
      pos += n;
    }
    size += length;
    return result;
  }

  @Override
  public Buffer flush() {
    ensureOpen();
    Buffer result = start();
    while (drainOnce(result, Deflater.SYNC_FLUSH) == out.length) {
      // a full output array means zlib may hold more
    }
    return result;
  }

  @Override
  public Buffer finish() {
    ensureOpen();
    Buffer result = start();
    deflater.finish();
    while (!deflater.finished()) {
      drainOnce(result, Deflater.NO_FLUSH);
    }
    result.appendIntLE((int) crc.getValue());
    result.appendIntLE((int) size);
    close();
    return result;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      deflater.end();
    }
  }

  private Buffer start() {
    Buffer result = Buffer.buffer();
    if (!headerWritten) {
      headerWritten = true;
      result.appendBytes(HEADER);
    }
    return result;
  }

  private int drainOnce(Buffer result, int flush) {
    int k = deflater.deflate(out, 0, out.length, flush);
    if (k > 0) {
      result.appendBytes(out, 0, k);
    }
    return k;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("gzip encoder already finished or closed");
    }
  }
}
