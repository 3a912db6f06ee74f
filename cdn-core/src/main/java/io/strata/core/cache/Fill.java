package io.strata.core.cache;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream response in flight, shared by every request that asked for the same key while it
 * arrives (request collapsing with read-while-write).
 *
 * <p>The upstream side calls {@link #head}, {@link #chunk}, {@link #end} and {@link #fail} in that
 * order from one thread. Readers pull at their own pace with {@link #read}; they are told to pull
 * again through {@link Reader#wake()}. While the response may still be stored every chunk is kept,
 * so a reader that joins late starts from the first byte. Once it may not (too large, or not
 * storable) the fill leaves the registry, chunks every reader has passed are released, and the
 * upstream is paused while the slowest reader lags by more than {@link #MAX_LAG_BYTES}: memory per
 * fill stays bounded whatever the body size.
 *
 * <p>When the body is complete and was kept, it becomes one {@link StoredBody} (what is stored),
 * and readers that have not started yet get it in one piece. The fill holds a reference on it until
 * the fill is detached and its last reader has left; each {@link Read} that carries it carries a
 * reference of its own for the reader.
 *
 * <p>A crowd costs each reader constant work per chunk, however many readers there are ({@link
 * FillReaders}): chunks are released when the last reader at the oldest kept chunk moves on, not by
 * a walk of every reader on every read.
 *
 * <p>Thread-safe: state is guarded by {@code this}; callbacks are made outside the lock.
 */
public final class Fill {
  /** How far the slowest reader may lag behind the upstream before the upstream is paused. */
  static final long MAX_LAG_BYTES = 1L << 20;

  /** Lets the fill pause and resume, or abandon, the upstream response it is fed from. */
  public interface UpstreamControl {
    void pause();

    void resume();

    /** Stops the transfer: no reader wants the rest and nothing will be stored. */
    void abort();

    /** For a fill whose body is not read from upstream (a 304 completes it from the store). */
    UpstreamControl NONE =
        new UpstreamControl() {
          @Override
          public void pause() {}

          @Override
          public void resume() {}

          @Override
          public void abort() {}
        };
  }

  /**
   * A reader's side of the fill, told apart from other readers by identity. {@link #wake()} may be
   * called from any thread, repeatedly.
   */
  public interface Reader {
    void wake();
  }

  /**
   * What {@link #read} found at a reader's position: a chunk, the whole body, the end, a failure,
   * or none (nothing yet).
   *
   * @param whole the complete body, for a reader that had read nothing; it carries one reference
   *     the reader must give back ({@link StoredBody#release()}), typically when its write
   *     completes. The end follows it.
   */
  public record Read(Buffer chunk, StoredBody whole, boolean end, Throwable error) {
    static final Read NOTHING_YET = new Read(null, null, false, null);
    static final Read END = new Read(null, null, true, null);
  }

  /** Called once, outside any lock, when a fill stops being joinable. */
  public interface Detach {
    void detached(Fill fill);
  }

  private final long maxObjectBytes;
  private final io.vertx.core.MultiMap requestHeaders;
  private final Detach detach;
  private final FillReaders readers = new FillReaders();
  private final ArrayList<Buffer> chunks = new ArrayList<>();
  private long firstChunkIndex;
  private long retainedBytes;
  private long receivedBytes;
  private ResponseHead head;

  /**
   * The whole body once it is complete and was kept (what is stored), else null; the fill holds a
   * reference on it until {@link #wholeReleased}.
   */
  private StoredBody whole;

  private boolean wholeReleased;

  private Throwable error;

  /**
   * What the readers' proxy rendered for this fill's head, kept so that a crowd of readers renders
   * it once; an immutable value, recomputed by whoever finds it does not fit.
   */
  private volatile Object rendered;

  private boolean ended;
  private boolean keepAll = true;
  private boolean detached;
  private boolean paused;
  private UpstreamControl upstream;

  /**
   * @param requestHeaders the headers of the request that started the fill: when the response
   *     varies, a joiner whose values differ must not be served it
   */
  public Fill(long maxObjectBytes, io.vertx.core.MultiMap requestHeaders, Detach detach) {
    this.maxObjectBytes = maxObjectBytes;
    this.requestHeaders = requestHeaders;
    this.detach = detach;
  }

  /** The headers of the request that started this fill. */
  public io.vertx.core.MultiMap requestHeaders() {
    return requestHeaders;
  }

  /** Adds a reader positioned at the first byte; false when the fill may no longer be joined. */
  public boolean join(Reader reader) {
    synchronized (this) {
      if (detached) {
        return false;
      }
      readers.add(reader);
    }
    reader.wake();
    return true;
  }

  /** Removes a reader (its viewer went away or it wanted only the head). */
  public void leave(Reader reader) {
    boolean abort;
    boolean resume;
    StoredBody release;
    synchronized (this) {
      FillReaders.Position p = readers.remove(reader);
      abort = readers.isEmpty() && !keepAll && !ended && error == null;
      resume = p != null && passed(p.chunkIndex);
      release = wholeToRelease();
    }
    if (release != null) {
      release.release();
    }
    if (abort && upstream != null) {
      upstream.abort();
    } else if (resume) {
      upstream.resume();
    }
  }

  public Object rendered() {
    return rendered;
  }

  public void rendered(Object value) {
    rendered = value;
  }

  public synchronized ResponseHead head() {
    return head;
  }

  /** The failure that ended this fill, or null. */
  public synchronized Throwable error() {
    return error;
  }

  public void head(ResponseHead head, UpstreamControl upstream) {
    boolean detachNow;
    boolean abort;
    synchronized (this) {
      this.head = head;
      this.upstream = upstream;
      keepAll =
          head.storable() && (head.contentLength() < 0 || head.contentLength() <= maxObjectBytes);
      detachNow = !keepAll && markDetached();
      abort = !keepAll && readers.isEmpty();
      releasePassedChunks(); // counts the readers at the first chunk from now on
    }
    if (detachNow) {
      detach.detached(this);
    }
    if (abort) {
      upstream.abort();
      return;
    }
    wakeAll();
  }

  public void chunk(Buffer chunk) {
    boolean detachNow = false;
    boolean pause = false;
    boolean abort = false;
    synchronized (this) {
      if (error != null || ended) {
        return;
      }
      chunks.add(chunk);
      retainedBytes += chunk.length();
      receivedBytes += chunk.length();
      if (keepAll && receivedBytes > maxObjectBytes) {
        keepAll = false;
        detachNow = markDetached();
        releasePassedChunks();
      }
      if (!keepAll) {
        abort = readers.isEmpty();
        if (!paused && retainedBytes > MAX_LAG_BYTES) {
          paused = pause = true;
        }
      }
    }
    if (detachNow) {
      detach.detached(this);
    }
    if (abort) {
      upstream.abort();
      return;
    }
    if (pause) {
      upstream.pause();
    }
    wakeAll();
  }

  /**
   * Marks the body complete. When every byte was kept and the declared length (if any) matched,
   * {@code store} receives the whole body, copied once into a {@link StoredBody}, before the fill
   * stops being joinable, so no request can fall between the fill and the store and cause a second
   * upstream request. {@code store} must take its own reference if it keeps the body.
   */
  public void end(java.util.function.Consumer<StoredBody> store) {
    StoredBody whole = null;
    synchronized (this) {
      if (error != null || ended) {
        return;
      }
      long declared = head.contentLength();
      if (declared >= 0 && declared != receivedBytes) {
        error = new IncompleteBodyException(declared, receivedBytes);
        chunks.clear();
      } else {
        ended = true;
        if (keepAll) {
          whole = StoredBody.copyOf(chunks, (int) receivedBytes);
          this.whole = whole;
        }
      }
    }
    finish(whole, store);
  }

  /**
   * Completes the fill with a body already stored (a 304 confirmed it): no chunk is read, every
   * reader gets {@code body} in one piece, then {@code store} receives it as {@link #end} would
   * hand it. The caller holds a reference on {@code body} for the duration of the call.
   */
  public void complete(StoredBody body, java.util.function.Consumer<StoredBody> store) {
    synchronized (this) {
      if (error != null || ended || !chunks.isEmpty() || !body.retain()) {
        throw new IllegalStateException("complete: the fill already has a body or an end");
      }
      ended = true;
      whole = body;
    }
    finish(body, store);
  }

  private void finish(StoredBody whole, java.util.function.Consumer<StoredBody> store) {
    if (whole != null) {
      store.accept(whole);
    }
    boolean detachNow;
    StoredBody release;
    synchronized (this) {
      detachNow = markDetached();
      release = wholeToRelease();
    }
    if (detachNow) {
      detach.detached(this);
    }
    if (release != null) {
      release.release();
    }
    wakeAll();
  }

  /**
   * The whole body when the fill's reference on it is due back (detached, no reader left), once;
   * else null. Called under the lock.
   */
  private StoredBody wholeToRelease() {
    if (whole == null || wholeReleased || !detached || !readers.isEmpty()) {
      return null;
    }
    wholeReleased = true;
    return whole;
  }

  /** Ends the fill with a failure; readers that already sent a head must cut their connection. */
  public void fail(Throwable cause) {
    boolean detachNow;
    synchronized (this) {
      if (error != null || ended) {
        return;
      }
      error = cause;
      chunks.clear();
      retainedBytes = 0;
      detachNow = markDetached();
    }
    if (detachNow) {
      detach.detached(this);
    }
    wakeAll();
  }

  /**
   * The next thing for {@code reader}: a chunk (its position advances), the end, the failure, or
   * nothing yet (it will be woken).
   */
  public Read read(Reader reader) {
    boolean resume;
    Read result;
    synchronized (this) {
      if (error != null) {
        return new Read(null, null, false, error);
      }
      FillReaders.Position p = readers.get(reader);
      if (p == null) {
        return Read.END;
      }
      long available = firstChunkIndex + chunks.size();
      if (p.chunkIndex == 0 && !p.tookWhole && whole != null && !wholeReleased && whole.retain()) {
        // A reader that starts after the body is complete gets it in one piece (the body that is
        // stored), so it is written once rather than chunk by chunk, without a copy.
        p.chunkIndex = available;
        p.tookWhole = true;
        return new Read(null, whole, false, null);
      }
      if (p.chunkIndex < available) {
        Buffer chunk = chunks.get((int) (p.chunkIndex - firstChunkIndex));
        p.chunkIndex++;
        result = new Read(chunk, null, false, null);
        resume = passed(p.chunkIndex - 1);
      } else {
        return ended ? Read.END : Read.NOTHING_YET;
      }
    }
    if (resume) {
      upstream.resume();
    }
    return result;
  }

  /**
   * A reader left chunk {@code index} behind (it read it, or it left): when it was the last reader
   * at the first kept chunk, chunks are released. True when a paused upstream should now resume.
   */
  private boolean passed(long index) {
    if (keepAll || index != firstChunkIndex) {
      return false;
    }
    return readers.leftSlowest() && releasePassedChunks();
  }

  /**
   * Drops chunks every reader has passed and counts the readers at the new first chunk; true when a
   * paused upstream should now resume. Walks every reader: called when the slowest moves on, not
   * on every read.
   */
  private boolean releasePassedChunks() {
    if (keepAll) {
      return false;
    }
    long slowest = readers.slowest(firstChunkIndex + chunks.size());
    int drop = (int) (slowest - firstChunkIndex);
    if (drop > 0) {
      List<Buffer> passed = chunks.subList(0, drop);
      for (Buffer b : passed) {
        retainedBytes -= b.length();
      }
      passed.clear();
      firstChunkIndex = slowest;
    }
    if (paused && retainedBytes <= MAX_LAG_BYTES / 2) {
      paused = false;
      return upstream != null;
    }
    return false;
  }

  private boolean markDetached() {
    if (detached) {
      return false;
    }
    detached = true;
    return true;
  }

  private void wakeAll() {
    Reader[] snapshot;
    synchronized (this) {
      snapshot = readers.inJoinOrder();
    }
    for (Reader r : snapshot) {
      r.wake();
    }
  }

  /** The body ended before the declared {@code Content-Length}, or ran past it. */
  public static final class IncompleteBodyException extends RuntimeException {
    public IncompleteBodyException(long declared, long received) {
      super(
          "body of " + received + " bytes does not match Content-Length " + declared,
          null,
          false,
          false);
    }
  }
}
