package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.time.ManualClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A byte budget larger than the heap can hold in small bodies: heap entries stay within the heap
 * share, off-heap ones still use the whole budget; a budget the heap holds is charged as before.
 */
class CacheStoreHeapShareTest {
  private static final long MIB = 1L << 20;
  private static final ManualClock CLOCK = new ManualClock();

  private static CachedObject object(StoredBody body) {
    return new CachedObject(
        200,
        MultiMap.caseInsensitiveMultiMap(),
        body,
        CLOCK.millis(),
        0,
        new CacheDecision(true, 600, false, 0, -1, false, ""));
  }

  private static CacheKey key(String path) {
    return new CacheKey("site", "example.test", path, "GET", "", "");
  }

  /** Stores {@code count} bodies of {@code size} bytes; the bytes of those still stored. */
  private static long fill(CacheStore store, String prefix, int count, int size, boolean direct) {
    for (int i = 0; i < count; i++) {
      StoredBody body = StoredBody.copyOf(Buffer.buffer(new byte[size]));
      assertEquals(direct, body.isDirect(), "body of " + size + " bytes");
      store.put(key(prefix + i), name -> List.of(), (n, v) -> v, object(body));
      body.release();
    }
    store.cleanUp();
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      CachedObject o = store.get(key(prefix + i));
      if (o != null) {
        bytes += o.body().length();
      }
    }
    return bytes;
  }

  @Test
  void smallBodiesStayWithinTheHeapShareWhenTheBudgetExceedsIt() {
    // A 64 MiB budget in a JVM said to have a 32 MiB heap: heap entries get at most 60 % of it.
    CacheStore store = new CacheStore(64 * MIB, 0, CLOCK, 32 * MIB, false);
    try {
      assertTrue(store.heapWeightFactor() > 1.0, "factor " + store.heapWeightFactor());
      long heapBodies = fill(store, "/small/", 4096, 16 * 1024, false);
      assertTrue(heapBodies <= (long) (32 * MIB * CacheStore.HEAP_SHARE), heapBodies + " bytes");
      long part = (long) (store.byteBudget() / store.heapWeightFactor());
      assertTrue(heapBodies >= part * 8 / 10, "the share is used: " + heapBodies + " of " + part);
      assertTrue(store.weightedSize() <= store.byteBudget());
    } finally {
      store.close();
    }
  }

  @Test
  void offHeapBodiesStillUseTheWholeBudget() {
    CacheStore store = new CacheStore(64 * MIB, 0, CLOCK, 32 * MIB, false);
    try {
      long directBodies = fill(store, "/large/", 900, 64 * 1024, true);
      assertTrue(
          directBodies > (long) (32 * MIB * CacheStore.HEAP_SHARE),
          "direct bodies are not held to the heap share: " + directBodies + " bytes");
      assertEquals(directBodies, store.directBytes());
    } finally {
      store.close();
    }
  }

  @Test
  void aBudgetTheHeapHoldsIsChargedAsBefore() {
    CacheStore store = new CacheStore(4 * MIB, 0, CLOCK, Long.MAX_VALUE / 4, false);
    try {
      assertEquals(1.0, store.heapWeightFactor());
      StoredBody body = StoredBody.copyOf(Buffer.buffer(new byte[1000]));
      CachedObject object = object(body);
      store.put(key("/one"), name -> List.of(), (n, v) -> v, object);
      store.cleanUp();
      assertEquals(object.weight() + key("/one").stored().heapBytes(), store.weightedSize());
    } finally {
      store.close();
    }
  }
}
