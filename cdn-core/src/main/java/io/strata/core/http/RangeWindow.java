package io.strata.core.http;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts one {@link ByteRange} out of a body that arrives in chunks, so that a range request on a
 * miss is answered as the bytes arrive instead of after the whole body.
 *
 * <p>Feed the chunks in order with {@link #next(Buffer)}; each call returns the part of the chunk
 * inside the range (a zero-copy {@link Buffer#slice(int, int) slice} that shares the chunk's
 * memory, so the chunk must not be modified afterwards), or {@code null} when the chunk holds no
 * byte of it. Once {@link #isComplete()} is true, the caller ends the response and ignores the rest
 * of the body. {@link #slice(ByteRange, long, Buffer)} is the stateless form for callers that track
 * offsets themselves.
 *
 * <p>Several ranges on a miss are not streamed: {@link MultipartByteranges} renders them from the
 * complete body. Not thread-safe: one instance per response, used on its context.
 */
public final class RangeWindow {

  private final ByteRange range;
  private long offset;

  /** A window over {@code range}, positioned at offset 0 of the body. */
  public RangeWindow(ByteRange range) {
    this.range = java.util.Objects.requireNonNull(range, "range");
  }

  /**
   * The part of the next chunk inside the range.
   *
   * @param chunk the next bytes of the body, in order
   * @return the bytes to write, or {@code null} when none of the chunk is in the range
   */
  public Buffer next(Buffer chunk) {
    Buffer part = slice(range, offset, chunk);
    offset += chunk.length();
    return part;
  }

  /** The range this window cuts out. */
  public ByteRange range() {
    return range;
  }

  /** True once the body offset has passed the range's last byte. */
  public boolean isComplete() {
    return offset > range.last();
  }

  /** The number of body bytes seen so far. */
  public long offset() {
    return offset;
  }

  /**
   * The part of a chunk inside a range.
   *
   * @param range the range
   * @param chunkOffset the body offset of the chunk's first byte
   * @param chunk the chunk
   * @return a slice of {@code chunk}, or {@code null} when they do not intersect
   */
  public static Buffer slice(ByteRange range, long chunkOffset, Buffer chunk) {
    long chunkEnd = chunkOffset + chunk.length(); // exclusive
    long from = Math.max(range.first(), chunkOffset);
    long to = Math.min(range.last() + 1, chunkEnd); // exclusive
    if (from >= to) {
      return null;
    }
    if (from == chunkOffset && to == chunkEnd) {
      return chunk;
    }
    return chunk.slice((int) (from - chunkOffset), (int) (to - chunkOffset));
  }
}
