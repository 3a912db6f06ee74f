package io.strata.functions.env;

import io.strata.core.time.Clock;
import io.strata.functions.model.FunctionVersion;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Places invocations on execution environments. A warm idle environment of the same revision is
 * reused (most recently used first, so the others grow idle and are reaped); otherwise a new one is
 * started, as long as the function stays within its reserved concurrency and all functions within
 * the global limit. Beyond that the invocation is throttled (429), as Lambda does: it never queues
 * synchronous work. Idle environments are stopped after the idle timeout (scale to zero).
 */
public final class Scheduler implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

  private final Vertx vertx;
  private final RuntimeSettings settings;
  private final Launcher launcher;
  private final Clock clock;
  private final FunctionMetrics metrics;
  private final AtomicLong ids = new AtomicLong();

  private final Map<String, ArrayDeque<Environment>> idle = new HashMap<>();
  private final Set<Environment> all = new HashSet<>();
  private final Map<String, Target> provisionTargets = new HashMap<>();
  private boolean closed;

  private record Target(FunctionVersion fn, int count) {}

  private final Map<String, Integer> busyByFunction = new HashMap<>();
  private int busy;
  private final long reaper;

  /**
   * @param launcher made on a worker thread (it extracts the runtime files)
   */
  public Scheduler(
      Vertx vertx,
      RuntimeSettings settings,
      Launcher launcher,
      Clock clock,
      io.micrometer.core.instrument.MeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.launcher = launcher;
    this.clock = clock;
    this.metrics = new FunctionMetrics(registry, this::busy, this::environments);
    long period = Math.max(100, Math.min(10_000, settings.idleTimeout().toMillis() / 4));
    this.reaper = vertx.setPeriodic(period, t -> reapIdle());
  }

  public FunctionMetrics metrics() {
    return metrics;
  }

  public synchronized int busy() {
    return busy;
  }

  /** Invocations of {@code function} running now. */
  public synchronized int busy(String function) {
    return busyByFunction.getOrDefault(function, 0);
  }

  public synchronized int environments() {
    return all.size();
  }

  /** Live environments (busy or idle) of one function, all versions. */
  public synchronized int environments(String function) {
    int n = 0;
    for (Environment e : all) {
      if (e.function().name().equals(function)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Runs {@code inv} on an environment of {@code fn}.
   *
   * @throws Throttled when the function's reserved concurrency or the global limit is reached
   */
  public CompletableFuture<InvocationResult> invoke(FunctionVersion fn, Invocation inv) {
    Environment env;
    boolean cold = false;
    String name = fn.name();
    synchronized (this) {
      Integer reserved = fn.config().reservedConcurrency();
      int fnBusy = busyByFunction.getOrDefault(name, 0);
      if (reserved != null && fnBusy >= reserved) {
        metrics.throttled(name);
        throw new Throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
      }
      if (busy >= settings.globalConcurrency()) {
        metrics.throttled(name);
        throw new Throttled("ConcurrentInvocationLimitExceeded");
      }
      env = takeIdle(fn);
      if (env == null) {
        env =
            new Environment(
                vertx,
                fn,
                settings,
                launcher,
                clock,
                Long.toString(ids.incrementAndGet(), 36),
                this::died);
        all.add(env);
        cold = true;
      }
      busy++;
      busyByFunction.merge(name, 1, Integer::sum);
    }
    Environment chosen = env;
    inv.result()
        .whenComplete(
            (r, e) -> {
              if (r != null) {
                metrics.invoked(name, r);
              }
              release(chosen, true);
            });
    if (cold) {
      env.start(inv);
    } else {
      env.dispatch(inv);
    }
    return inv.result();
  }

  /**
   * Keeps {@code count} pre-warmed environments of {@code fn} (Lambda's provisioned concurrency):
   * starts the missing ones, which join the warm pool once initialised and are never reaped; with a
   * lower count the surplus idle ones are stopped.
   */
  public synchronized void provision(FunctionVersion fn, int count) {
    if (closed) {
      return;
    }
    provisionTargets.put(fn.key(), new Target(fn, count));
    int have = 0;
    List<Environment> surplus = new ArrayList<>();
    for (Environment e : all) {
      if (e.isProvisioned() && e.function().key().equals(fn.key())) {
        if (have < count && e.function().revisionId().equals(fn.revisionId())) {
          have++;
        } else {
          surplus.add(e);
        }
      }
    }
    for (Environment e : surplus) {
      ArrayDeque<Environment> q = idle.get(e.function().key());
      if (q != null && q.remove(e)) {
        all.remove(e);
        vertx.runOnContext(v -> e.kill(null, null));
      }
    }
    for (int i = have; i < count; i++) {
      Environment env =
          new Environment(
              vertx,
              fn,
              settings,
              launcher,
              clock,
              Long.toString(ids.incrementAndGet(), 36),
              this::died);
      all.add(env);
      env.provision(() -> release(env, false));
    }
  }

  /** Provisioned environments of {@code fn}'s version that are initialised and warm. */
  public synchronized int provisionedReady(FunctionVersion fn) {
    ArrayDeque<Environment> q = idle.get(fn.key());
    if (q == null) {
      return 0;
    }
    int n = 0;
    for (Environment e : q) {
      if (e.isProvisioned()) {
        n++;
      }
    }
    return n;
  }

  private Environment takeIdle(FunctionVersion fn) {
    ArrayDeque<Environment> q = idle.get(fn.key());
    while (q != null && !q.isEmpty()) {
      Environment e = q.pollLast();
      if (e.isDead()) {
        continue;
      }
      if (e.function().revisionId().equals(fn.revisionId())) {
        return e;
      }
      // An environment of an older revision of this version ($LATEST updated): retire it.
      all.remove(e);
      vertx.runOnContext(v -> e.kill(null, null));
    }
    return null;
  }

  /** Returns an environment to the warm pool; {@code wasBusy} when it ran an invocation. */
  private void release(Environment env, boolean wasBusy) {
    synchronized (this) {
      if (wasBusy) {
        busy--;
        String name = env.function().name();
        busyByFunction.merge(name, -1, Integer::sum);
        if (busyByFunction.get(name) <= 0) {
          busyByFunction.remove(name);
        }
      }
      if (!env.isDead() && all.contains(env)) {
        idle.computeIfAbsent(env.function().key(), k -> new ArrayDeque<>()).addLast(env);
      }
    }
  }

  private void died(Environment env) {
    Target replace = null;
    synchronized (this) {
      all.remove(env);
      ArrayDeque<Environment> q = idle.get(env.function().key());
      if (q != null) {
        q.remove(env);
      }
      if (env.isProvisioned() && !closed) {
        replace = provisionTargets.get(env.function().key());
      }
    }
    if (replace != null) {
      // A provisioned environment that crashed or timed out is replaced, keeping the count.
      Target t = replace;
      vertx.runOnContext(v -> provision(t.fn(), t.count()));
    }
  }

  /** Stops environments idle for longer than the idle timeout; returns how many. */
  public int reapIdle() {
    long cutoff = clock.millis() - settings.idleTimeout().toMillis();
    List<Environment> stale = new ArrayList<>();
    synchronized (this) {
      for (ArrayDeque<Environment> q : idle.values()) {
        q.removeIf(
            e -> {
              if (!e.isProvisioned() && e.lastUsedMillis() <= cutoff) {
                stale.add(e);
                return true;
              }
              return false;
            });
      }
      stale.forEach(all::remove);
    }
    for (Environment e : stale) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "reaping idle environment {0} of {1}",
          e.id(),
          e.function().key());
      e.kill(null, null);
    }
    return stale.size();
  }

  /** Stops every environment of {@code function} (deleted or replaced). */
  public void retire(String function) {
    List<Environment> victims = new ArrayList<>();
    synchronized (this) {
      for (ArrayDeque<Environment> q : idle.values()) {
        q.removeIf(
            e -> {
              if (e.function().name().equals(function)) {
                victims.add(e);
                return true;
              }
              return false;
            });
      }
      victims.forEach(all::remove);
    }
    victims.forEach(e -> e.kill(null, null));
  }

  @Override
  public void close() {
    vertx.cancelTimer(reaper);
    List<Environment> everything;
    synchronized (this) {
      closed = true;
      everything = new ArrayList<>(all);
      all.clear();
      idle.clear();
    }
    everything.forEach(e -> e.kill("Runtime.ExitError", "the function runtime is shutting down"));
  }
}
