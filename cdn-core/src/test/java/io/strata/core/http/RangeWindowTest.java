package io.strata.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class RangeWindowTest {

  @Test
  void chunksAreCutToTheRangeAsTheyArrive() {
    RangeWindow w = new RangeWindow(new ByteRange(3, 11));
    Buffer out = Buffer.buffer();
    for (String chunk : new String[] {"0123", "", "4567", "89ab", "cdef"}) {
      Buffer part = w.next(Buffer.buffer(chunk));
      if (part != null) {
        out.appendBuffer(part);
      }
      if (w.isComplete()) {
        break;
      }
    }
    assertEquals("3456789ab", out.toString());
    assertTrue(w.isComplete());
    assertEquals(12, w.offset());
  }

  @Test
  void chunksBeforeTheRangeYieldNothingAndWindowIsNotComplete() {
    RangeWindow w = new RangeWindow(new ByteRange(10, 12));
    assertNull(w.next(Buffer.buffer("0123456789")));
    assertFalse(w.isComplete());
    assertEquals("ab", w.next(Buffer.buffer("ab")).toString());
    assertFalse(w.isComplete());
    assertEquals("c", w.next(Buffer.buffer("cdef")).toString());
    assertTrue(w.isComplete());
  }

  @Test
  void chunkEntirelyInsideTheRangeIsReturnedAsIs() {
    Buffer chunk = Buffer.buffer("abc");
    assertSame(chunk, RangeWindow.slice(new ByteRange(0, 99), 10, chunk));
  }

  @Test
  void chunkAfterTheRangeYieldsNothing() {
    assertNull(RangeWindow.slice(new ByteRange(0, 9), 10, Buffer.buffer("abc")));
  }

  @Test
  void singleByteRangeInsideAChunk() {
    assertEquals(
        "5", RangeWindow.slice(new ByteRange(5, 5), 0, Buffer.buffer("0123456789")).toString());
  }

  @Test
  void manyTinyChunksReassembleTheExactRange() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      body.append((char) ('a' + i % 26));
    }
    RangeWindow w = new RangeWindow(new ByteRange(123, 876));
    Buffer out = Buffer.buffer();
    for (int i = 0; i < body.length() && !w.isComplete(); i += 7) {
      Buffer part = w.next(Buffer.buffer(body.substring(i, Math.min(body.length(), i + 7))));
      if (part != null) {
        out.appendBuffer(part);
      }
    }
    assertEquals(body.substring(123, 877), out.toString());
  }
}
