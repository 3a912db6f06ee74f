package io.strata.core.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The joinable fills of a node, by key: the one place that decides whether a miss starts an
 * upstream request or joins one already under way.
 */
public final class FillRegistry {
  private final ConcurrentHashMap<CacheKey, Fill> fills = new ConcurrentHashMap<>();

  /**
   * The result of {@link #joinOrStart}: the fill, and whether the caller must start its upstream
   * request.
   */
  public record Joined(Fill fill, boolean started) {}

  /**
   * Joins {@code reader} to the joinable fill for {@code key}, or registers a new one made by
   * {@code create} (which receives the detach callback to hand to the fill) and joins that.
   */
  public Joined joinOrStart(CacheKey key, Fill.Reader reader, Function<Fill.Detach, Fill> create) {
    while (true) {
      Joined found = findOrRegister(key, create);
      if (found.fill().join(reader)) {
        return found;
      }
      // Detached between lookup and join: it is being removed; try again.
      fills.remove(key, found.fill());
    }
  }

  /**
   * Registers a fill for {@code key} with no reader (a background revalidation), unless one is
   * already in flight. Returns the new fill, which the caller must start, or null.
   */
  public Fill startIfAbsent(CacheKey key, Function<Fill.Detach, Fill> create) {
    Joined found = findOrRegister(key, create);
    return found.started() ? found.fill() : null;
  }

  private Joined findOrRegister(CacheKey key, Function<Fill.Detach, Fill> create) {
    boolean[] created = {false};
    Fill fill =
        fills.computeIfAbsent(
            key,
            k -> {
              created[0] = true;
              return create.apply(f -> fills.remove(k, f));
            });
    return new Joined(fill, created[0]);
  }

  /** Number of fills that can still be joined. */
  public int inFlight() {
    return fills.size();
  }
}
