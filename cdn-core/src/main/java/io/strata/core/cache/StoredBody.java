package io.strata.core.cache;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one owner of a stored response body: small bodies are a plain {@code byte[]} (16 bytes of
 * array header beside the bytes), large ones off-heap direct memory, copied in once when the fill
 * completes and then handed to the network without any further user-space copy (a view on the same
 * memory, which the native transport {@code writev}s as it is). Immutable content; thread-safe.
 *
 * <p>A stored entry keeps a heap body's array itself and is that body's {@code StoredBody} ({@link
 * CachedObject#body()}): the {@link Heap} wrapper a fill makes is dropped when the entry is made,
 * which saves each entry 16 bytes. So three kinds answer these methods: {@link Heap} (a fill's
 * body), {@link CachedObject} (a stored heap body) and {@link Direct}.
 *
 * <p><b>References.</b> A direct body is reference-counted explicitly; nothing relies on the
 * garbage collector to free it (old-generation garbage would hold direct memory until a full
 * collection). Whoever creates one holds the first reference. The {@link CacheStore} takes one for
 * each entry that holds the body and gives it back when the entry leaves (eviction, expiry,
 * replacement, invalidation, clear, close). A write takes one with {@link #retain()} before it
 * starts and gives it back when the write completes, whether it succeeded or failed: the memory is
 * freed when the last reference goes, never while a write still reads it. {@link #retain()} fails
 * (returns false) once the body has been freed, so a reader that raced with the entry's removal can
 * tell and treat the object as gone. A heap body needs none of this: its {@link #retain()} always
 * succeeds and {@link #release()} does nothing.
 *
 * <p><b>Memory.</b> Direct bodies are allocated outside Netty's pools (they live as long as the
 * entry, which would pin pool chunks) and only while the bytes of every live direct body stay
 * within {@link #directCapacity()}, what the JVM's direct-memory limit leaves after a reserve for
 * network I/O; a body beyond that is kept on the heap instead, so a byte budget larger than the
 * direct limit degrades to heap storage rather than failing at run time. {@link #directBytes()}
 * says how much direct memory live bodies hold now.
 */
public abstract sealed class StoredBody permits StoredBody.Heap, StoredBody.Direct, CachedObject {
  /**
   * Bodies of at least this many bytes are stored off-heap ({@code -Dstrata.directBodyBytes}
   * changes it, for measurement). Below it a heap copy per hit costs less than the extra write of a
   * separate buffer.
   */
  public static final int DIRECT_MIN_BYTES =
      Integer.getInteger("strata.directBodyBytes", 64 * 1024);

  /** Direct memory kept free of stored bodies for the network's own buffers (at least). */
  static final long IO_RESERVE_BYTES = 64L << 20;

  private static final BodyAllocator ALLOCATOR = new BodyAllocator();
  private static final AtomicLong DIRECT_BYTES = new AtomicLong();
  private static final long DIRECT_CAPACITY = capacity(PlatformDependent.maxDirectMemory());
  private static final byte[] NO_BYTES = new byte[0];

  /** An empty body. */
  public static final StoredBody EMPTY = new Heap(NO_BYTES);

  StoredBody() {}

  /**
   * What a stored entry keeps of {@code body}: a heap body's array (the entry is then that body's
   * {@code StoredBody} itself, see {@link CachedObject#body()}), or the direct body.
   */
  static Object contents(StoredBody body) {
    if (body instanceof Heap heap) {
      return heap.bytes;
    }
    return body instanceof CachedObject object ? object.contents() : body;
  }

  /**
   * What the JVM's direct-memory limit {@code maxDirect} leaves for stored bodies: all but an
   * eighth of it, and at least {@link #IO_RESERVE_BYTES}, kept for network buffers.
   */
  static long capacity(long maxDirect) {
    return Math.max(0, maxDirect - Math.max(IO_RESERVE_BYTES, maxDirect / 8));
  }

  /** The bytes live direct bodies may hold in this JVM at most. */
  public static long directCapacity() {
    return DIRECT_CAPACITY;
  }

  /** The bytes live direct bodies hold now in this JVM (including bodies still being written). */
  public static long directBytes() {
    return DIRECT_BYTES.get();
  }

  /** A heap body over {@code bytes} (not copied: the caller must not change them). */
  public static StoredBody heap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Heap(bytes);
  }

  /** The bytes of {@code buffer}, copied once: off-heap when large (see the class comment). */
  public static StoredBody copyOf(Buffer buffer) {
    return copyOf(List.of(buffer), buffer.length());
  }

  /**
   * The concatenation of {@code chunks} ({@code length} bytes in all), copied once: off-heap when
   * large and direct memory allows, else on the heap. The caller holds the first reference.
   */
  public static StoredBody copyOf(List<Buffer> chunks, int length) {
    if (length == 0) {
      return EMPTY;
    }
    if (length >= DIRECT_MIN_BYTES && reserveDirect(length)) {
      ByteBuf direct;
      try {
        direct = ALLOCATOR.directBuffer(length, length);
      } catch (OutOfMemoryError e) {
        DIRECT_BYTES.addAndGet(-length);
        return heapCopy(chunks, length);
      }
      for (Buffer chunk : chunks) {
        ByteBuf raw = ((BufferInternal) chunk).getByteBuf();
        direct.writeBytes(raw, raw.readerIndex(), raw.readableBytes());
      }
      return new Direct(direct);
    }
    return heapCopy(chunks, length);
  }

  private static StoredBody heapCopy(List<Buffer> chunks, int length) {
    byte[] bytes = new byte[length];
    int at = 0;
    for (Buffer chunk : chunks) {
      chunk.getBytes(0, chunk.length(), bytes, at);
      at += chunk.length();
    }
    return new Heap(bytes);
  }

  private static boolean reserveDirect(int length) {
    while (true) {
      long used = DIRECT_BYTES.get();
      if (used + length > DIRECT_CAPACITY) {
        return false;
      }
      if (DIRECT_BYTES.compareAndSet(used, used + length)) {
        return true;
      }
    }
  }

  /** The number of bytes. */
  public abstract int length();

  /** Whether the bytes are off-heap (and reference-counted). */
  public abstract boolean isDirect();

  /**
   * Takes a reference for one write or holder; false when the body has been freed already (the
   * entry left the cache and its last write completed), in which case nothing was taken.
   */
  public abstract boolean retain();

  /** Gives back a reference taken with {@link #retain()} (or the creator's). */
  public abstract void release();

  /**
   * A view of {@code length} bytes from {@code from} that shares this body's memory and carries one
   * reference the caller has already taken: releasing the view (Netty does, when its write
   * completes or fails) gives that reference back. For a heap body, a wrapper of the array.
   */
  public abstract ByteBuf view(int from, int length);

  /**
   * The same as {@link #view} as a Vert.x {@link Buffer}. Vert.x neither retains nor releases what
   * it writes of such a buffer: the writer gives its reference back when the write's future
   * completes.
   */
  public Buffer buffer(int from, int length) {
    return BufferInternal.buffer(view(from, length));
  }

  /**
   * Copies {@code length} bytes from {@code from} into {@code out}; the caller holds a reference.
   */
  public abstract void copyTo(ByteBuf out, int from, int length);

  /**
   * A heap copy of the whole body, for the rare consumers that need one (Lambda@Edge hooks, tests,
   * diagnostics); never on a hit path. Takes and gives back its own reference; an empty buffer when
   * the body has been freed.
   */
  public Buffer heapCopy() {
    if (!retain()) {
      return Buffer.buffer();
    }
    try {
      byte[] bytes = new byte[length()];
      copyTo(Unpooled.wrappedBuffer(bytes).clear(), 0, bytes.length);
      return Buffer.buffer(bytes);
    } finally {
      release();
    }
  }

  /** The current reference count of a direct body (1 for a heap body); for tests and checks. */
  public abstract int refCnt();

  static final class Heap extends StoredBody {
    private final byte[] bytes;

    private Heap(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int length() {
      return bytes.length;
    }

    @Override
    public boolean isDirect() {
      return false;
    }

    @Override
    public boolean retain() {
      return true;
    }

    @Override
    public void release() {}

    @Override
    public ByteBuf view(int from, int length) {
      return Unpooled.wrappedBuffer(bytes, from, length);
    }

    @Override
    public void copyTo(ByteBuf out, int from, int length) {
      out.writeBytes(bytes, from, length);
    }

    @Override
    public int refCnt() {
      return 1;
    }
  }

  static final class Direct extends StoredBody {
    private final ByteBuf buf;

    private Direct(ByteBuf buf) {
      this.buf = buf;
    }

    @Override
    public int length() {
      return buf.writerIndex();
    }

    @Override
    public boolean isDirect() {
      return true;
    }

    @Override
    public boolean retain() {
      try {
        buf.retain();
        return true;
      } catch (IllegalReferenceCountException freed) {
        // Netty leaves a freed buffer freed when a retain fails.
        return false;
      }
    }

    @Override
    public void release() {
      buf.release();
    }

    @Override
    public ByteBuf view(int from, int length) {
      // A plain slice shares the body's reference count: Netty's release of it is ours.
      return buf.slice(from, length);
    }

    @Override
    public void copyTo(ByteBuf out, int from, int length) {
      out.writeBytes(buf, from, length);
    }

    @Override
    public int refCnt() {
      return buf.refCnt();
    }
  }

  /**
   * Allocates a body's direct buffer outside any pool, through Netty's allocator base so that the
   * leak detector tracks it; the buffer gives its bytes back to {@link #directBytes()} when freed.
   */
  private static final class BodyAllocator extends AbstractByteBufAllocator {
    BodyAllocator() {
      super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      return Unpooled.buffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return PlatformDependent.hasUnsafe()
          ? new UnsafeBodyBuf(this, initialCapacity, maxCapacity)
          : new BodyBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  private static final class UnsafeBodyBuf extends UnpooledUnsafeDirectByteBuf {
    UnsafeBodyBuf(ByteBufAllocator alloc, int initialCapacity, int maxCapacity) {
      super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    protected void deallocate() {
      int bytes = capacity();
      super.deallocate();
      DIRECT_BYTES.addAndGet(-bytes);
    }
  }

  private static final class BodyBuf extends UnpooledDirectByteBuf {
    BodyBuf(ByteBufAllocator alloc, int initialCapacity, int maxCapacity) {
      super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    protected void deallocate() {
      int bytes = capacity();
      super.deallocate();
      DIRECT_BYTES.addAndGet(-bytes);
    }
  }
}
