package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FillTest {
  private final AtomicInteger detached = new AtomicInteger();
  private final Upstream upstream = new Upstream();

  static final class Upstream implements Fill.UpstreamControl {
    int pauses;
    int resumes;
    int aborts;

    @Override
    public void pause() {
      pauses++;
    }

    @Override
    public void resume() {
      resumes++;
    }

    @Override
    public void abort() {
      aborts++;
    }
  }

  static final class Reader implements Fill.Reader {
    int wakes;

    @Override
    public void wake() {
      wakes++;
    }
  }

  private static ResponseHead head(long contentLength, long lifetime) {
    return new ResponseHead(
        200,
        MultiMap.caseInsensitiveMultiMap(),
        contentLength,
        0,
        0,
        lifetime > 0
            ? new CacheDecision(true, lifetime, false, 0, -1, false, "")
            : new CacheDecision(false, 0, false, 0, 0, true, "test"),
        200);
  }

  private static String drain(Fill fill, Fill.Reader reader) {
    StringBuilder sb = new StringBuilder();
    for (Fill.Read r = fill.read(reader);
        r.chunk() != null || r.whole() != null;
        r = fill.read(reader)) {
      if (r.whole() != null) {
        sb.append(r.whole().heapCopy().toString());
        r.whole().release();
      } else {
        sb.append(r.chunk().toString());
      }
    }
    return sb.toString();
  }

  @Test
  void lateJoinerReadsFromTheFirstByte() {
    Fill fill =
        new Fill(
            1 << 20,
            io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
            f -> detached.incrementAndGet());
    Reader early = new Reader();
    fill.join(early);
    fill.head(head(-1, 60), upstream);
    fill.chunk(Buffer.buffer("ab"));
    assertEquals("ab", drain(fill, early));
    Reader late = new Reader();

    assertTrue(fill.join(late));
    fill.chunk(Buffer.buffer("cd"));

    assertEquals("abcd", drain(fill, late));
    assertEquals("cd", drain(fill, early));
    assertTrue(late.wakes > 0);
  }

  @Test
  void completedStorableBodyIsStoredBeforeTheFillStopsBeingJoinable() {
    Fill fill =
        new Fill(
            1 << 20,
            io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
            f -> detached.incrementAndGet());
    Reader reader = new Reader();
    fill.join(reader);
    fill.head(head(4, 60), upstream);
    fill.chunk(Buffer.buffer("ab"));
    fill.chunk(Buffer.buffer("cd"));
    AtomicReference<String> stored = new AtomicReference<>();
    List<Integer> detachedWhenStored = new ArrayList<>();

    fill.end(
        body -> {
          stored.set(body.heapCopy().toString());
          detachedWhenStored.add(detached.get());
        });

    assertEquals("abcd", stored.get());
    assertEquals(List.of(0), detachedWhenStored);
    assertEquals(1, detached.get());
    assertFalse(fill.join(new Reader()));
    assertEquals("abcd", drain(fill, reader));
    assertTrue(fill.read(reader).end());
  }

  @Test
  void bodyShorterThanContentLengthFailsAndIsNotStored() {
    Fill fill =
        new Fill(
            1 << 20,
            io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
            f -> detached.incrementAndGet());
    Reader reader = new Reader();
    fill.join(reader);
    fill.head(head(10, 60), upstream);
    fill.chunk(Buffer.buffer("abc"));
    AtomicReference<StoredBody> stored = new AtomicReference<>();

    fill.end(stored::set);

    assertNull(stored.get());
    assertNotNull(fill.read(reader).error());
    assertEquals(1, detached.get());
  }

  @Test
  void unstorableResponseDetachesAtOnceButStillFeedsItsReaders() {
    Fill fill =
        new Fill(
            1 << 20,
            io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
            f -> detached.incrementAndGet());
    Reader reader = new Reader();
    fill.join(reader);

    fill.head(head(-1, 0), upstream);
    fill.chunk(Buffer.buffer("private"));

    assertEquals(1, detached.get());
    assertFalse(fill.join(new Reader()));
    assertEquals("private", drain(fill, reader));
  }

  @Test
  void objectOverMaxSizeDetachesReleasesPassedChunksAndPausesForSlowReaders() {
    Fill fill =
        new Fill(
            100, io.vertx.core.MultiMap.caseInsensitiveMultiMap(), f -> detached.incrementAndGet());
    Reader fast = new Reader();
    Reader slow = new Reader();
    fill.join(fast);
    fill.join(slow);
    fill.head(head(-1, 60), upstream);
    Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
    int chunks = (int) (Fill.MAX_LAG_BYTES / chunk.length()) + 2;
    for (int i = 0; i < chunks; i++) {
      fill.chunk(chunk);
      drain(fill, fast);
    }
    assertEquals(1, detached.get());
    assertEquals(1, upstream.pauses);

    drain(fill, slow);

    assertEquals(1, upstream.resumes);
  }

  @Test
  void lastReaderLeavingAnUnstorableFillAbortsTheUpstream() {
    Fill fill =
        new Fill(
            100, io.vertx.core.MultiMap.caseInsensitiveMultiMap(), f -> detached.incrementAndGet());
    Reader reader = new Reader();
    fill.join(reader);
    fill.head(head(1000, 60), upstream);

    fill.leave(reader);

    assertEquals(1, upstream.aborts);
  }

  @Test
  void lastReaderLeavingAStorableFillLetsItComplete() {
    Fill fill =
        new Fill(
            1 << 20,
            io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
            f -> detached.incrementAndGet());
    Reader reader = new Reader();
    fill.join(reader);
    fill.head(head(3, 60), upstream);

    fill.leave(reader);
    fill.chunk(Buffer.buffer("abc"));
    AtomicReference<StoredBody> stored = new AtomicReference<>();
    fill.end(stored::set);

    assertEquals(0, upstream.aborts);
    assertEquals("abc", stored.get().heapCopy().toString());
  }

  @Test
  void failureBeforeHeadReachesEveryReader() {
    Fill fill =
        new Fill(
            1 << 20,
            io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
            f -> detached.incrementAndGet());
    Reader a = new Reader();
    Reader b = new Reader();
    fill.join(a);
    fill.join(b);

    fill.fail(new java.net.ConnectException("refused"));

    assertNull(fill.head());
    assertNotNull(fill.error());
    assertNotNull(fill.read(a).error());
    assertEquals(1, detached.get());
  }

  @Test
  void readerStartingAfterTheBodyIsCompleteGetsItInOnePiece() {
    Fill fill = new Fill(1 << 20, MultiMap.caseInsensitiveMultiMap(), f -> {});
    Reader early = new Reader();
    fill.join(early);
    fill.head(head(6, 60), upstream);
    fill.chunk(Buffer.buffer("ab"));
    assertEquals("ab", fill.read(early).chunk().toString());
    fill.chunk(Buffer.buffer("cd"));
    fill.chunk(Buffer.buffer("ef"));
    AtomicReference<StoredBody> stored = new AtomicReference<>();
    Reader late = new Reader();
    fill.join(late);
    fill.end(stored::set);

    Fill.Read whole = fill.read(late);
    assertEquals("abcdef", whole.whole().heapCopy().toString());
    assertSame(stored.get(), whole.whole(), "the stored body, not a copy");
    assertTrue(fill.read(late).end());
    // A reader part-way through goes on chunk by chunk.
    assertEquals("cdef", drain(fill, early));
    assertTrue(fill.read(early).end());
  }

  @Test
  void passedChunksAreReleasedWhenTheLastReaderAtTheOldestOneMovesOnOrLeaves() {
    Fill fill = new Fill(1 << 20, MultiMap.caseInsensitiveMultiMap(), f -> {});
    Reader a = new Reader();
    Reader b = new Reader();
    Reader c = new Reader();
    fill.join(a);
    fill.join(b);
    fill.join(c);
    fill.head(head(-1, 0), upstream); // not storable: passed chunks are released
    Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
    int chunks = (int) (Fill.MAX_LAG_BYTES / chunk.length()) + 1;
    for (int i = 0; i < chunks; i++) {
      fill.chunk(chunk);
      drain(fill, a);
    }
    drain(fill, b);
    assertEquals(1, upstream.pauses, "c still holds every chunk");

    fill.leave(c);

    assertEquals(1, upstream.resumes, "c left: a and b had passed every chunk");
    fill.chunk(chunk);
    fill.chunk(chunk);
    drain(fill, a);
    assertEquals(64 * 1024, fill.read(b).chunk().length());
    assertEquals(64 * 1024, fill.read(b).chunk().length());
    assertEquals(Fill.Read.NOTHING_YET, fill.read(b));
    assertEquals(0, upstream.aborts);
    fill.leave(a);
    fill.leave(b);
    assertEquals(1, upstream.aborts, "the last reader left a body nobody will store");
  }

  @Test
  void readersAreWokenInTheOrderTheyJoined() {
    Fill fill = new Fill(1 << 20, MultiMap.caseInsensitiveMultiMap(), f -> {});
    List<String> woken = new ArrayList<>();
    Fill.Reader first = () -> woken.add("first");
    Fill.Reader second = () -> woken.add("second");
    Fill.Reader third = () -> woken.add("third");
    fill.join(first);
    fill.join(second);
    fill.join(third);
    fill.leave(second);
    woken.clear();

    fill.head(head(2, 60), upstream);

    assertEquals(List.of("first", "third"), woken);
  }

  @Test
  void aCrowdOfTenThousandReadersEachGetsEveryChunkOfAnUnstorableBody() {
    Fill fill = new Fill(1 << 20, MultiMap.caseInsensitiveMultiMap(), f -> {});
    List<Reader> crowd = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Reader r = new Reader();
      crowd.add(r);
      fill.join(r);
    }
    fill.head(head(-1, 0), upstream);
    int[] received = new int[crowd.size()];
    for (int n = 0; n < 50; n++) {
      fill.chunk(Buffer.buffer(new byte[1024]));
      for (int i = 0; i < crowd.size(); i++) {
        received[i] += fill.read(crowd.get(i)).chunk().length();
      }
    }
    for (int i = 0; i < crowd.size(); i++) {
      assertEquals(50 * 1024, received[i], "reader " + i);
      assertEquals(Fill.Read.NOTHING_YET, fill.read(crowd.get(i)));
    }
    assertEquals(0, upstream.pauses, "every chunk was released once all had read it");
    for (int i = crowd.size() - 1; i > 0; i -= 2) {
      fill.leave(crowd.get(i));
    }
    for (int i = 0; i < crowd.size(); i += 2) {
      assertEquals(0, upstream.aborts);
      fill.leave(crowd.get(i));
    }
    assertEquals(1, upstream.aborts);
  }
}
