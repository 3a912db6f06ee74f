package io.strata.core.cache;

import java.lang.ref.WeakReference;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The background half of a {@link CacheStore}'s retention: removes entries past their retention
 * that no read meets, so their memory, direct bodies and budget come back on time. One daemon
 * thread, shared by the stores of the JVM and never an event loop, runs each store's {@link
 * CacheStore#sweepStep} every {@link #PERIOD_MILLIS}, a step sized so that a whole pass over the
 * store takes about {@link #PASS_PERIODS} periods.
 */
final class RetentionSweeper {
  /** How often a store's step runs. */
  static final long PERIOD_MILLIS = 1_000;

  /** A whole pass over a store's entries takes about this many periods. */
  static final int PASS_PERIODS = 10;

  /** A step looks at this many entries at least. */
  static final int MIN_STEP = 4096;

  private static final System.Logger LOG = System.getLogger(RetentionSweeper.class.getName());

  private static final ScheduledThreadPoolExecutor THREAD = thread();

  private RetentionSweeper() {}

  /**
   * Sweeps {@code store} in steps until the returned future is cancelled. The store is held weakly,
   * so one dropped without {@link CacheStore#close} does not stay reachable through the shared
   * thread: its sweeping stops then.
   */
  static ScheduledFuture<?> schedule(CacheStore store) {
    return THREAD.scheduleWithFixedDelay(
        new Step(store), PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** How many entries a step looks at in a store holding {@code entries}. */
  static int stepSize(long entries) {
    return (int) Math.max(MIN_STEP, Math.min(1 << 30, entries / PASS_PERIODS));
  }

  private static ScheduledThreadPoolExecutor thread() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "strata-cache-sweeper");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private static final class Step implements Runnable {
    private final WeakReference<CacheStore> store;

    Step(CacheStore store) {
      this.store = new WeakReference<>(store);
    }

    @Override
    public void run() {
      CacheStore s = store.get();
      if (s == null) {
        // Unreachable store: stop (an exception ends a periodic task).
        throw new IllegalStateException("store collected");
      }
      try {
        s.sweepStep(stepSize(s.entryCount()));
      } catch (RuntimeException e) {
        // Kept running: the next step tries again.
        LOG.log(System.Logger.Level.WARNING, "cache sweep step failed", e);
      }
    }
  }
}
