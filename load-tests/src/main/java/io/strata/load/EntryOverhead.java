package io.strata.load;

import io.strata.core.cache.CacheDecision;
import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.cache.StoredBody;
import io.strata.core.time.Clock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.lang.management.ManagementFactory;

/**
 * Measures what one stored entry costs on the heap beyond its body: stores N small entries in a
 * {@link CacheStore}, forces full collections, and divides the growth of the used heap by N.
 *
 * <p>{@code java -Xmx2g -XX:+UseSerialGC -cp benchmarks.jar io.strata.load.EntryOverhead [N]
 * [BODY_BYTES]}. Two runs are printed: entries with the headers a typical origin response leaves
 * after hop-by-hop filtering, and entries with no headers at all (the store's own structure).
 */
public final class EntryOverhead {
  private EntryOverhead() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    // Unreported: the first entries of a JVM carry one-time allocations (classes, shared tables)
    // that a small N would not dilute.
    measure(null, Math.min(n, 1000), bodyBytes, true, true);
    measure("typical headers (6)", n, bodyBytes, true, false);
    measure("no headers", n, bodyBytes, false, false);
    measure("as decoded (6)", n, bodyBytes, true, true);
  }

  /**
   * @param label what the run is called; null for a warm-up that prints nothing
   * @param decoded every text an entry holds is its own copy, as when headers and host are decoded
   *     from each upstream response and viewer request (the first two runs use literals, which the
   *     JVM shares between entries)
   */
  private static void measure(
      String label, int n, int bodyBytes, boolean withHeaders, boolean decoded) {
    long now = System.currentTimeMillis();
    // The largest budget the heap share holds: every entry is charged exactly its weight.
    long budget = (long) (Runtime.getRuntime().maxMemory() * CacheStore.HEAP_SHARE);
    CacheStore store = new CacheStore(budget, 0, Clock.SYSTEM);
    if (store.heapWeightFactor() != 1.0) {
      throw new IllegalStateException("heap weight factor " + store.heapWeightFactor());
    }
    // Everything an entry holds is allocated after the baseline, as a fill allocates it: the key
    // and its path, the body array (a heap body is kept as its array), the headers, the node.
    long before = usedHeapAfterGc();
    for (int i = 0; i < n; i++) {
      StoredBody body = StoredBody.copyOf(Buffer.buffer(new byte[bodyBytes]));
      MultiMap headers = HttpHeaders.headers();
      if (withHeaders) {
        headers
            .add(text("Date", decoded), text("Sun, 29 Nov 2026 05:00:00 GMT", decoded))
            .add(text("Content-Type", decoded), text("application/octet-stream", decoded))
            .add(text("Content-Length", decoded), Integer.toString(bodyBytes))
            .add(text("Cache-Control", decoded), text("public, max-age=3600", decoded))
            .add(text("ETag", decoded), "\"" + Integer.toHexString(i) + "\"")
            .add(text("Via", decoded), text("1.1 regional-8081 (strata)", decoded));
      }
      CachedObject object =
          new CachedObject(
              200, headers, body, now, 0, new CacheDecision(true, 3600, false, 0, -1, false, ""));
      store.put(
          new CacheKey("site", text("localhost", decoded), "/gen/1k/object-" + i, "GET", "", ""),
          name -> java.util.List.of(),
          (name, value) -> value,
          object);
      // The creator's reference: the store holds its own.
      body.release();
    }
    store.cleanUp();
    long after = usedHeapAfterGc();
    if (store.entryCount() != n) {
      throw new IllegalStateException("stored " + store.entryCount() + " of " + n);
    }
    // A direct body's bytes are off the heap: only its wrappers count here.
    boolean direct = bodyBytes >= StoredBody.DIRECT_MIN_BYTES;
    double perEntry = (double) (after - before) / n - (direct ? 0 : bodyBytes);
    if (label != null) {
      System.out.printf(
          "%-20s N=%d body=%d B (%s): heap per entry beyond the body bytes %.0f B;"
              + " the store charges %.0f B beyond the body (weight)%n",
          label,
          n,
          bodyBytes,
          direct ? "direct" : "heap",
          perEntry,
          (double) store.weightedSize() / n - bodyBytes);
    }
    // Keep everything reachable until after the measurement.
    if (store.get(new CacheKey("site", "localhost", "/gen/1k/object-0", "GET", "", "")) == null) {
      throw new IllegalStateException("first entry missing");
    }
    // Frees the direct bodies now: left to the garbage collector, their JDK cleaners (72 B each)
    // would be processed during the next run and make its entries look that much smaller.
    store.close();
  }

  private static String text(String literal, boolean copy) {
    return copy ? new String(literal.toCharArray()) : literal;
  }

  private static long usedHeapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
