package io.strata.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.strata.core.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A node's in-memory object store: Caffeine, bounded by the sum of entry weights in bytes, entries
 * kept while fresh and then for a stale-retention period so they can be revalidated or served stale
 * (by the injected {@link Clock}). A response with {@code Vary} is stored under a variant key, and
 * a small index at its primary key names the headers it varies on. Thread-safe; non-blocking but
 * for the sweeps ({@link #sweep}, {@link #cleanUp}), which walk every entry.
 *
 * <p><b>Retention.</b> Each object carries when its retention ends ({@link
 * CachedObject#retainUntilMillis}, set as it goes in: its freshness left plus the longest of the
 * stale retention, {@code stale-while-revalidate} and {@code stale-if-error}, counted from that
 * write). Every read treats an object past it as gone and removes it (only if it is still the one
 * stored, so a concurrent replacement is kept), and the {@link RetentionSweeper} removes the others
 * without waiting for a read, a step of the entries every second, a whole pass in about ten, which
 * frees direct bodies and budget within about that time after their retention. Caffeine's own
 * per-entry expiry did this before, at 16 bytes more per entry in its node (the expiry time and the
 * timer wheel's links).
 *
 * <p>The store holds one reference on the {@link StoredBody} of each entry (taken as the entry goes
 * in, given back by the removal listener whatever removed it: eviction, expiry, replacement,
 * invalidation, {@link #close}), so a direct body is freed once no entry and no write in flight
 * holds it. Direct bodies count against the byte budget like heap ones.
 *
 * <p>An entry is charged its object's {@link CachedObject#weight} and its key's heap bytes ({@link
 * CacheKey#heapBytes}, which grow with the path): together at least what the entry costs.
 *
 * <p>The budget may exceed what the heap can hold, since large bodies live off-heap; but a budget
 * filled with small bodies would then exhaust the heap. So a store keeps at most {@link
 * #HEAP_SHARE} of the JVM's maximum heap in heap-resident entries: when its budget is larger, an
 * entry with a heap body is charged its weight times {@link #heapWeightFactor()}, which bounds its
 * heap entries to that share while direct ones still use the whole budget. (Each store on its own:
 * a node runs one store per JVM; {@code strata up}'s two in one JVM share a heap sized for demos.)
 */
public final class CacheStore {
  /** At most this many variants are tracked per primary key; more are stored but not tracked. */
  static final int MAX_TRACKED_VARIANTS = 64;

  /** What sits at a primary key whose responses vary: the header names, and the variants seen. */
  private record VaryIndex(List<String> names, Set<String> variants) {}

  private final Cache<CacheKey, Object> cache;
  private final Clock clock;
  private final long byteBudget;
  private final long staleRetentionMillis;
  private final AtomicLong evictions = new AtomicLong();
  private final AtomicLong expirations = new AtomicLong();
  private final AtomicLong directBytes = new AtomicLong();
  private volatile boolean closed;

  /** The byte budgets of the stores open in this JVM: what their bodies may need at most. */
  private static final AtomicLong OPEN_BUDGETS = new AtomicLong();

  /** The part of the JVM's maximum heap that a store's heap-resident entries may use. */
  public static final double HEAP_SHARE = 0.6;

  private final double heapWeightFactor;

  /** Where the sweeper's walk goes on from; guarded by {@code this} ({@link #sweepStep}). */
  private Iterator<Map.Entry<CacheKey, Object>> sweepCursor;

  private final ScheduledFuture<?> sweeping;

  /**
   * @param staleRetentionMillis how long a stale object is kept at least, for revalidation and
   *     serving stale on errors; the byte budget may evict it sooner
   */
  public CacheStore(long byteBudget, long staleRetentionMillis, Clock clock) {
    this(byteBudget, staleRetentionMillis, clock, Runtime.getRuntime().maxMemory(), true);
  }

  /**
   * As above, for a JVM whose maximum heap is {@code maxHeapBytes}; without the scheduled sweeper
   * when {@code sweepInBackground} is false (tests then call {@link #sweep} themselves).
   */
  CacheStore(
      long byteBudget,
      long staleRetentionMillis,
      Clock clock,
      long maxHeapBytes,
      boolean sweepInBackground) {
    if (byteBudget <= 0) {
      throw new IllegalArgumentException("byteBudget: " + byteBudget + " (expected: > 0)");
    }
    if (staleRetentionMillis < 0) {
      throw new IllegalArgumentException(
          "staleRetentionMillis: " + staleRetentionMillis + " (expected: >= 0)");
    }
    this.clock = clock;
    this.byteBudget = byteBudget;
    OPEN_BUDGETS.addAndGet(byteBudget);
    this.heapWeightFactor = Math.max(1.0, byteBudget / (maxHeapBytes * HEAP_SHARE));
    this.staleRetentionMillis = staleRetentionMillis;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(byteBudget)
            .weigher(this::weightOf)
            // Maintenance runs on the calling thread: it is O(1) amortised and avoids a thread hop.
            .executor(Runnable::run)
            .removalListener(
                (CacheKey k, Object v, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    evictions.incrementAndGet();
                  }
                  if (v instanceof CachedObject o) {
                    leaving(o);
                  }
                })
            .build();
    this.sweeping = sweepInBackground ? RetentionSweeper.schedule(this) : null;
  }

  /** When {@code object}, stored at {@code nowMillis}, stops being kept. */
  private long retainUntil(CachedObject object, long nowMillis) {
    long retention = object.retentionMillis(nowMillis, staleRetentionMillis);
    return retention >= Long.MAX_VALUE - nowMillis ? Long.MAX_VALUE : nowMillis + retention;
  }

  /**
   * {@code object}, stored at {@code key}, when it is within its retention at {@code nowMillis};
   * else null, and it is removed unless it was replaced meanwhile.
   */
  CachedObject retained(CacheKey key, CachedObject object, long nowMillis) {
    if (!object.pastRetention(nowMillis)) {
      return object;
    }
    expire(key, object);
    return null;
  }

  /** Removes an object past its retention if it is still the one at {@code key}. */
  private boolean expire(CacheKey key, CachedObject object) {
    if (cache.asMap().remove(key, object)) {
      expirations.incrementAndGet();
      return true;
    }
    return false;
  }

  /**
   * Removes the entries past their retention among the next {@code maxEntries} of a walk that goes
   * on where the last step stopped, and starts again once it has reached the end.
   *
   * @return the number of entries removed
   */
  synchronized int sweepStep(int maxEntries) {
    long now = clock.millis();
    int removed = 0;
    for (int i = 0; i < maxEntries; i++) {
      if (sweepCursor == null) {
        sweepCursor = cache.asMap().entrySet().iterator();
      }
      if (!sweepCursor.hasNext()) {
        sweepCursor = null;
        break;
      }
      if (expireIfPast(sweepCursor.next(), now)) {
        removed++;
      }
    }
    return removed;
  }

  /**
   * Removes every entry past its retention now: a whole walk of the store, on the caller's thread
   * (the scheduled sweeper does the same in steps). For tests and measurements; O(entries), so
   * never on an event loop.
   *
   * @return the number of entries removed
   */
  public int sweep() {
    long now = clock.millis();
    int removed = 0;
    for (var e : cache.asMap().entrySet()) {
      if (expireIfPast(e, now)) {
        removed++;
      }
    }
    return removed;
  }

  /** Removes a sweep's entry if its object is past its retention at {@code nowMillis}. */
  private boolean expireIfPast(Map.Entry<CacheKey, Object> e, long nowMillis) {
    return e.getValue() instanceof CachedObject o
        && o.pastRetention(nowMillis)
        && expire(e.getKey(), o);
  }

  /**
   * Takes the store's reference on an entry's body before the entry goes in; false when the body
   * was freed meanwhile (its entry left while a copy of it was being made).
   */
  private boolean entering(CachedObject object) {
    StoredBody body = object.body();
    if (!body.retain()) {
      return false;
    }
    if (body.isDirect()) {
      directBytes.addAndGet(body.length());
    }
    return true;
  }

  /** Gives back the store's reference on a body whose entry left (or never went in). */
  private void leaving(CachedObject object) {
    StoredBody body = object.body();
    if (body.isDirect()) {
      directBytes.addAndGet(-body.length());
    }
    body.release();
  }

  /** Puts an object at {@code key}, its body's reference taken first. */
  private void insert(CacheKey key, CachedObject object) {
    if (!entering(object)) {
      throw new IllegalStateException(
          "stored body already freed: the caller must hold a reference");
    }
    object.retainUntilMillis(retainUntil(object, clock.millis()));
    cache.put(key, object);
    if (closed) {
      // Raced with close(): its clear may not have seen this entry.
      cache.invalidate(key);
    }
  }

  /** What an entry is charged: its object's weight and its key's heap bytes (see the class). */
  private int weightOf(CacheKey key, Object value) {
    if (!(value instanceof CachedObject o)) {
      return 256;
    }
    int weight = (int) Math.min(Integer.MAX_VALUE, (long) o.weight() + key.heapBytes());
    if (heapWeightFactor == 1.0 || o.body().isDirect()) {
      return weight;
    }
    return (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(weight * heapWeightFactor));
  }

  /**
   * What an entry with a heap body is charged per byte of its weight: 1 when {@link #HEAP_SHARE} of
   * the heap can hold the budget, more when it cannot (see the class comment).
   */
  public double heapWeightFactor() {
    return heapWeightFactor;
  }

  /**
   * What a request for {@code primary} finds: the key it is stored or filled under (the variant key
   * when the stored responses vary, else the primary key) and the object there, if any. One map
   * lookup when the object does not vary.
   *
   * @param key null when the request's values make a secondary key too long to store
   * @param object the stored object (fresh or stale), or null
   */
  public record Lookup(CacheKey key, CachedObject object) {}

  /**
   * Finds what is stored for a request for {@code primary}.
   *
   * @param requestValues the request's values of a (lower-case) header name
   * @param normalize maps (lower-case name, joined value) to the value keyed on
   */
  public Lookup lookup(
      CacheKey primary,
      Function<String, List<String>> requestValues,
      BiFunction<String, String, String> normalize) {
    Object found = cache.getIfPresent(primary);
    if (found instanceof VaryIndex index) {
      String secondary = Vary.secondaryKey(index.names(), requestValues, normalize);
      if (secondary == null) {
        return new Lookup(null, null);
      }
      CacheKey variant = primary.withVariant(secondary);
      return new Lookup(variant, get(variant));
    }
    return new Lookup(
        primary, found == null ? null : retained(primary, (CachedObject) found, clock.millis()));
  }

  /** The stored object (fresh or stale, within its retention) at {@code key}, or null. */
  public CachedObject get(CacheKey key) {
    return cache.getIfPresent(key) instanceof CachedObject o
        ? retained(key, o, clock.millis())
        : null;
  }

  /**
   * Stores {@code object} for a request for {@code primary} whose header values are {@code
   * requestValues}: under a variant key when it varies, recording the variant in the index at the
   * primary key. An object that alone exceeds the byte budget is not stored.
   */
  public void put(
      CacheKey primary,
      Function<String, List<String>> requestValues,
      BiFunction<String, String, String> normalize,
      CachedObject object) {
    if (closed || weightOf(primary, object) > byteBudget || !object.decision().storable()) {
      return;
    }
    primary = primary.stored();
    List<String> names = object.varyNames();
    if (names.isEmpty()) {
      insert(primary, object);
      return;
    }
    String secondary = Vary.secondaryKey(names, requestValues, normalize);
    if (secondary == null) {
      return;
    }
    Object existing = cache.getIfPresent(primary);
    VaryIndex index =
        existing instanceof VaryIndex v && v.names().equals(names)
            ? v
            : new VaryIndex(names, ConcurrentHashMap.newKeySet());
    if (index != existing) {
      cache.put(primary, index);
    }
    if (index.variants().size() < MAX_TRACKED_VARIANTS) {
      index.variants().add(secondary);
    }
    insert(primary.withVariant(secondary).stored(), object);
  }

  /**
   * Replaces the object at an exact key (a refresh or an error-window mark of what is stored); the
   * caller holds a reference on its body.
   */
  public void replace(CacheKey key, CachedObject object) {
    if (!entering(object)) {
      return;
    }
    long now = clock.millis();
    object.retainUntilMillis(retainUntil(object, now));
    // An object past its retention is gone: it is removed rather than replaced.
    Object stored =
        cache
            .asMap()
            .computeIfPresent(
                key,
                (k, v) -> {
                  if (v instanceof CachedObject o && o.pastRetention(now)) {
                    expirations.incrementAndGet();
                    return null;
                  }
                  return object;
                });
    if (stored != object) {
      leaving(object);
    }
  }

  /** Removes what is stored for {@code primary}: the object, or the index and every variant. */
  public void invalidate(CacheKey primary) {
    Object removed = cache.asMap().remove(primary.primary());
    if (removed instanceof VaryIndex index) {
      for (String variant : index.variants()) {
        cache.invalidate(primary.primary().withVariant(variant));
      }
    }
  }

  /**
   * Removes every entry {@code test} accepts, for invalidations. Walks the whole store once; an
   * entry stored concurrently with the walk may be kept. Non-blocking but O(entries): call it off
   * the request path.
   *
   * @return the number of entries removed
   */
  public int invalidateIf(java.util.function.BiPredicate<CacheKey, CachedObject> test) {
    int removed = 0;
    var map = cache.asMap();
    long now = clock.millis();
    for (var e : map.entrySet()) {
      // A Vary index left behind only points at variants that are gone: lookups then miss.
      if (e.getValue() instanceof CachedObject object
          && retained(e.getKey(), object, now) != null
          && test.test(e.getKey(), object)
          && map.remove(e.getKey(), object)) {
        removed++;
      }
    }
    return removed;
  }

  /**
   * Marks every entry {@code test} accepts as stale (soft invalidation): the entry is replaced by a
   * copy with the same age and no freshness left, so no request is answered from it as fresh; the
   * next one revalidates it with its validators (a 304 keeps the body), and it may still be served
   * stale where RFC 5861 or CloudFront's error rule allows. Same walk as {@link #invalidateIf}.
   *
   * @return the number of entries marked
   */
  public int markStaleIf(java.util.function.BiPredicate<CacheKey, CachedObject> test) {
    int marked = 0;
    long now = clock.millis();
    var map = cache.asMap();
    for (var e : map.entrySet()) {
      if (e.getValue() instanceof CachedObject o
          && retained(e.getKey(), o, now) != null
          && test.test(e.getKey(), o)) {
        CachedObject stale = o.staleFrom(now);
        stale.retainUntilMillis(retainUntil(stale, now));
        // The old entry's reference keeps the shared body alive while the copy takes its own.
        if (entering(stale)) {
          if (map.replace(e.getKey(), o, stale)) {
            marked++;
          } else {
            leaving(stale);
          }
        }
      }
    }
    return marked;
  }

  public long byteBudget() {
    return byteBudget;
  }

  /** Sum of the weights of the entries held now. */
  public long weightedSize() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** Entries held now, including those past their retention that no read or sweep removed yet. */
  public long entryCount() {
    return cache.estimatedSize();
  }

  /** Entries removed because the byte budget was exceeded (not expiry). */
  public long evictionCount() {
    return evictions.get();
  }

  /** Entries removed because their retention ended (by a read or the sweeper). */
  public long expirationCount() {
    return expirations.get();
  }

  /** Bytes of the direct (off-heap) bodies the entries hold now; part of {@link #weightedSize}. */
  public long directBytes() {
    return directBytes.get();
  }

  /**
   * Removes every entry, giving back their bodies' references, and refuses later stores. Bodies
   * still being written are freed when their writes complete.
   */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (sweeping != null) {
      sweeping.cancel(false);
    }
    OPEN_BUDGETS.addAndGet(-byteBudget);
    cache.invalidateAll();
    cache.cleanUp();
  }

  /** The sum of the byte budgets of the stores open in this JVM (not closed). */
  public static long openBudgets() {
    return OPEN_BUDGETS.get();
  }

  /**
   * Runs pending eviction work and removes every entry past its retention now ({@link #sweep}); for
   * tests and measurements, off any event loop.
   */
  public void cleanUp() {
    cache.cleanUp();
    sweep();
  }
}
