package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.strata.core.time.ManualClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who holds a stored body's references: the creator, the store (one per entry), each write, a fill
 * for its readers. Every way an entry leaves the store gives its reference back exactly once, and a
 * direct body is freed only when the last holder lets go. Runs with Netty's leak detector at
 * PARANOID, so a reference dropped without release is also reported.
 */
class StoredBodyReferencesTest {
  private static final int LARGE = StoredBody.DIRECT_MIN_BYTES * 2;
  private static final BiFunction<String, String, String> SAME = (n, v) -> v;
  private static final Function<String, List<String>> NO_HEADERS = name -> List.of();
  private static ResourceLeakDetector.Level level;

  private final ManualClock clock = new ManualClock();

  @BeforeAll
  static void paranoid() {
    level = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterAll
  static void restore() {
    ResourceLeakDetector.setLevel(level);
  }

  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private CachedObject object(StoredBody body, long lifetime) {
    return new CachedObject(
        200,
        MultiMap.caseInsensitiveMultiMap().add("ETag", "\"1\""),
        body,
        clock.millis(),
        0,
        new CacheDecision(true, lifetime, false, 0, -1, false, ""));
  }

  private static CacheKey key(String path) {
    return new CacheKey("site", "example.test", path, "GET", "", "");
  }

  /** A large body as a fill makes it: the creator's reference, then the store's, then gone. */
  private StoredBody stored(CacheStore store, String path, int seed) {
    StoredBody body = StoredBody.copyOf(Buffer.buffer(bytes(LARGE, seed)));
    store.put(key(path), NO_HEADERS, SAME, object(body, 60));
    body.release();
    return body;
  }

  @Test
  void smallBodiesAreHeapArraysAndLargeOnesDirectWithTheSameBytes() {
    StoredBody small = StoredBody.copyOf(Buffer.buffer(bytes(1000, 1)));
    assertFalse(small.isDirect());
    StoredBody large =
        StoredBody.copyOf(
            List.of(
                Buffer.buffer(bytes(LARGE, 2)).slice(0, 1000),
                Buffer.buffer(bytes(LARGE, 2)).slice(1000, LARGE)),
            LARGE);
    long before = StoredBody.directBytes();
    assertTrue(large.isDirect());
    assertEquals(1, large.refCnt());
    assertArrayEquals(bytes(LARGE, 2), large.heapCopy().getBytes());
    assertArrayEquals(bytes(1000, 1), small.heapCopy().getBytes());
    ByteBuf view = large.view(10, 20);
    assertTrue(view.isDirect(), "written to the transport as it is, no copy");
    assertTrue(large.retain());
    view.release();
    assertEquals(1, large.refCnt(), "releasing a view gives back the reference it carried");
    large.release();
    assertEquals(0, large.refCnt());
    assertEquals(before - LARGE, StoredBody.directBytes());
    assertFalse(large.retain(), "a freed body cannot be taken again");
    assertEquals(0, large.refCnt());
  }

  @Test
  void theStoreHoldsOneReferencePerEntryUntilItIsInvalidated() {
    CacheStore store = new CacheStore(16L << 20, 0, clock);
    StoredBody body = stored(store, "/a", 1);
    assertEquals(1, body.refCnt());
    assertEquals(LARGE, store.directBytes());
    assertTrue(body.retain()); // a write in flight
    store.invalidate(key("/a"));
    assertEquals(1, body.refCnt(), "the write still reads it");
    assertEquals(0, store.directBytes());
    body.release();
    assertEquals(0, body.refCnt());
  }

  @Test
  void evictionReplacementExpiryAndCloseEachGiveTheReferenceBackOnce() {
    // Room for two large entries; stale entries kept 10 s.
    CacheStore store = new CacheStore(LARGE * 2L + 4096, 10_000, clock);
    List<StoredBody> bodies = List.of(stored(store, "/0", 1), stored(store, "/1", 2));
    StoredBody third = stored(store, "/2", 3);
    bodies = List.of(bodies.get(0), bodies.get(1), third);
    store.cleanUp();
    assertEquals(1, store.evictionCount());
    assertEquals(2, bodies.stream().mapToInt(StoredBody::refCnt).sum(), "one evicted and freed");
    assertEquals(2L * LARGE, store.directBytes());
    int keptIndex = bodies.get(0).refCnt() == 1 ? 0 : 1;
    int otherIndex = bodies.get(2).refCnt() == 1 ? 2 : 1;
    String keptPath = "/" + keptIndex;

    // Replaced by a newer fill of the same key.
    StoredBody newer = stored(store, keptPath, 9);
    assertEquals(0, bodies.get(keptIndex).refCnt());
    assertEquals(1, newer.refCnt());

    // Copies that share the body (stale mark, error window, a 304's refresh) keep one reference.
    store.markStaleIf((k, o) -> true);
    CachedObject current = store.get(key(keptPath));
    store.replace(key(keptPath), current.withErrorWindowUntil(clock.millis() + 1000));
    store.replace(
        key(keptPath),
        current.refreshedBy(
            MultiMap.caseInsensitiveMultiMap(),
            clock.millis(),
            0,
            new CacheDecision(true, 1, false, 0, -1, false, "")));
    assertEquals(1, newer.refCnt());
    assertEquals(1, bodies.get(otherIndex).refCnt());

    // Expiry: the refreshed copy lives 1 s, then 10 s of stale retention.
    clock.advance(Duration.ofSeconds(12));
    store.cleanUp();
    assertNull(store.get(key(keptPath)));
    assertEquals(0, newer.refCnt());

    store.close();
    assertEquals(0, bodies.get(otherIndex).refCnt());
    assertEquals(0, store.directBytes());
    assertEquals(0, store.entryCount());
  }

  @Test
  void aDirectBodyPastItsRetentionIsFreedByTheSweepWithoutALookup() {
    CacheStore store = new CacheStore(16L << 20, 10_000, clock, Long.MAX_VALUE / 4, false);
    StoredBody body = stored(store, "/a", 1);
    // Retention: 60 s fresh, then 10 s stale.
    clock.advance(Duration.ofMillis(69_999));
    assertEquals(0, store.sweep());
    assertEquals(1, body.refCnt());
    clock.advance(Duration.ofMillis(1));
    assertEquals(1, store.sweep());
    assertEquals(0, body.refCnt(), "freed without any lookup");
    assertEquals(0, store.directBytes());
    assertEquals(0, store.entryCount());
    assertEquals(0, store.weightedSize());
    store.close();
  }

  @Test
  void theBackgroundSweeperFreesADirectBodyPastItsRetentionOnItsOwn() throws Exception {
    CacheStore store = new CacheStore(16L << 20, 10_000, clock);
    StoredBody body = stored(store, "/a", 1);
    clock.advance(Duration.ofSeconds(70));
    // The sweeper's thread runs every RetentionSweeper.PERIOD_MILLIS of real time: wait for it.
    long until = System.nanoTime() + 10 * RetentionSweeper.PERIOD_MILLIS * 1_000_000L;
    while (body.refCnt() != 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(0, body.refCnt(), "freed by the sweeper, not by a lookup");
    assertEquals(1, store.expirationCount());
    assertEquals(0, store.directBytes());
    store.close();
  }

  @Test
  void aClosedStoreRefusesBodiesAndTakesNoReference() {
    CacheStore store = new CacheStore(16L << 20, 0, clock);
    store.close();
    StoredBody body = StoredBody.copyOf(Buffer.buffer(bytes(LARGE, 4)));
    store.put(key("/late"), NO_HEADERS, SAME, object(body, 60));
    assertEquals(1, body.refCnt());
    body.release();
    assertEquals(0, body.refCnt());
  }

  @Test
  void aFillHoldsItsBodyForItsReadersAndFreesItWhenTheStoreRefusedIt() {
    Fill fill = new Fill(8L << 20, MultiMap.caseInsensitiveMultiMap(), f -> {});
    Fill.Reader early = () -> {};
    Fill.Reader late = () -> {};
    fill.join(early);
    fill.head(storableHead(200), Fill.UpstreamControl.NONE);
    fill.join(late);
    fill.chunk(Buffer.buffer(bytes(LARGE, 5)));
    assertEquals(LARGE, fill.read(early).chunk().length(), "a reader part-way reads chunks");
    AtomicReference<StoredBody> offered = new AtomicReference<>();
    // The store refuses it (it takes no reference).
    fill.end(offered::set);
    StoredBody body = offered.get();
    assertTrue(body.isDirect());
    assertEquals(1, body.refCnt(), "the fill's own reference, for its readers");

    Fill.Read whole = fill.read(late);
    assertSame(body, whole.whole());
    assertEquals(2, body.refCnt(), "the reader's write holds its own");
    fill.leave(late);
    assertTrue(fill.read(early).end());
    fill.leave(early);
    assertEquals(1, body.refCnt(), "the fill let go once its last reader left");
    whole.whole().release(); // the reader's write completed
    assertEquals(0, body.refCnt());
  }

  @Test
  void aFillCompletedWithTheStoredBodyOfA304HandsThatBodyToItsReaders() {
    StoredBody body = StoredBody.copyOf(Buffer.buffer(bytes(LARGE, 6)));
    Fill fill = new Fill(8L << 20, MultiMap.caseInsensitiveMultiMap(), f -> {});
    Fill.Reader reader = () -> {};
    fill.join(reader);
    fill.head(storableHead(304), Fill.UpstreamControl.NONE);
    AtomicReference<StoredBody> offered = new AtomicReference<>();
    fill.complete(body, offered::set);
    assertSame(body, offered.get(), "the stored body itself, not a copy");
    assertEquals(2, body.refCnt(), "the holder's and the fill's");
    Fill.Read read = fill.read(reader);
    assertSame(body, read.whole());
    assertTrue(fill.read(reader).end());
    fill.leave(reader);
    assertEquals(2, body.refCnt(), "the fill let go; the reader's write holds one");
    read.whole().release();
    body.release();
    assertEquals(0, body.refCnt());
  }

  /** The head of a storable 200 of {@code LARGE} bytes, as the upstream answered {@code status}. */
  private static ResponseHead storableHead(int status) {
    return new ResponseHead(
        200,
        MultiMap.caseInsensitiveMultiMap(),
        LARGE,
        0,
        0,
        new CacheDecision(true, 60, false, 0, -1, false, ""),
        status);
  }
}
