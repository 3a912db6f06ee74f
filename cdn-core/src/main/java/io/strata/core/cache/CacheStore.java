package io.strata.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.strata.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's in-memory object store: Caffeine, bounded by the sum of entry weights in bytes, entries
 * expiring when they turn stale by the injected {@link Clock}. Thread-safe; every method is
 * non-blocking.
 */
public final class CacheStore {
  private final Cache<CacheKey, CachedObject> cache;
  private final Clock clock;
  private final long byteBudget;
  private final AtomicLong evictions = new AtomicLong();

  public CacheStore(long byteBudget, Clock clock) {
    if (byteBudget <= 0) {
      throw new IllegalArgumentException("byteBudget: " + byteBudget + " (expected: > 0)");
    }
    this.clock = clock;
    this.byteBudget = byteBudget;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(byteBudget)
            .weigher((CacheKey k, CachedObject v) -> v.weight())
            .expireAfter(
                new Expiry<CacheKey, CachedObject>() {
                  @Override
                  public long expireAfterCreate(
                      CacheKey key, CachedObject value, long currentTime) {
                    return value.remainingFreshMillis(clock.millis()) * 1_000_000L;
                  }

                  @Override
                  public long expireAfterUpdate(
                      CacheKey key, CachedObject value, long currentTime, long currentDuration) {
                    return expireAfterCreate(key, value, currentTime);
                  }

                  @Override
                  public long expireAfterRead(
                      CacheKey key, CachedObject value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .ticker(clock.ticker())
            // Maintenance runs on the calling thread: it is O(1) amortised and avoids a thread hop.
            .executor(Runnable::run)
            .removalListener(
                (CacheKey k, CachedObject v, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    evictions.incrementAndGet();
                  }
                })
            .build();
  }

  /** The fresh entry for {@code key}, or null. A stale entry is never returned. */
  public CachedObject getFresh(CacheKey key) {
    CachedObject o = cache.getIfPresent(key);
    return o != null && o.isFresh(clock.millis()) ? o : null;
  }

  /** Stores {@code object} unless it alone exceeds the byte budget or is already stale. */
  public void put(CacheKey key, CachedObject object) {
    if (object.weight() <= byteBudget && object.isFresh(clock.millis())) {
      cache.put(key, object);
    }
  }

  public void invalidate(CacheKey key) {
    cache.invalidate(key);
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
    for (var e : map.entrySet()) {
      if (test.test(e.getKey(), e.getValue()) && map.remove(e.getKey(), e.getValue())) {
        removed++;
      }
    }
    return removed;
  }

  /**
   * Marks every entry {@code test} accepts as stale (soft invalidation): the entry is replaced by a
   * copy with the same age and no freshness left, so no request is answered from it as fresh and
   * the next one goes upstream. Whether a stale entry is kept for revalidation or serving stale is
   * this store's expiry policy; today stale entries expire at once. Same walk as {@link
   * #invalidateIf}.
   *
   * @return the number of entries marked
   */
  public int markStaleIf(java.util.function.BiPredicate<CacheKey, CachedObject> test) {
    int marked = 0;
    long now = clock.millis();
    var map = cache.asMap();
    for (var e : map.entrySet()) {
      CachedObject o = e.getValue();
      if (test.test(e.getKey(), o)) {
        CachedObject stale =
            new CachedObject(o.status(), o.headers(), o.body(), now, o.currentAgeMillis(now), 0);
        if (map.replace(e.getKey(), o, stale)) {
          marked++;
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

  public long entryCount() {
    return cache.estimatedSize();
  }

  /** Entries removed because the byte budget was exceeded (not expiry). */
  public long evictionCount() {
    return evictions.get();
  }

  /** Runs pending expiry and eviction work now; for tests and metrics scrapes. */
  public void cleanUp() {
    cache.cleanUp();
  }
}
