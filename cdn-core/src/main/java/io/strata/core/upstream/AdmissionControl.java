package io.strata.core.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.config.OriginLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the requests a node sends to each origin: at most {@link OriginLimits#maxInFlight} at
 * once, a bounded FIFO of waiters each with a timeout, and a refusal ({@link OverloadedException},
 * which the proxy answers with {@code 503} and {@code Retry-After}) past that. A permit is held
 * until the origin's response has been read to its end (or failed), so a slow body counts as load.
 * Waiters are woken on their own Vert.x context. Thread-safe; never blocks.
 */
public final class AdmissionControl {
  private static final System.Logger LOG = System.getLogger(AdmissionControl.class.getName());

  /** The request was shed: the origin has all the requests it may have, and the queue is full. */
  public static final class OverloadedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OverloadedException(String message) {
      super(message, null, false, false);
    }
  }

  /** Seconds a shed viewer is told to wait ({@code Retry-After}). */
  public static final int RETRY_AFTER_SECONDS = 1;

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final String role;
  private final String nodeId;
  private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();
  private final Counter shedQueueFull;
  private final Counter shedQueueTimeout;

  public AdmissionControl(Vertx vertx, MeterRegistry registry, String role, String nodeId) {
    this.vertx = vertx;
    this.registry = registry;
    this.role = role;
    this.nodeId = nodeId;
    this.shedQueueFull = shedCounter("queue_full");
    this.shedQueueTimeout = shedCounter("queue_timeout");
  }

  private Counter shedCounter(String reason) {
    return Counter.builder("strata.upstream.shed")
        .description("Upstream requests refused by admission control")
        .tags("role", role, "node", nodeId, "reason", reason)
        .register(registry);
  }

  /**
   * Waits for a slot to send a request to {@code origin}.
   *
   * @param origin names the origin (its URL): requests to one origin share its limits
   * @return a release action to run once when the exchange is over; or a failed future with {@link
   *     OverloadedException} when the request is shed
   */
  public Future<Runnable> acquire(String origin, OriginLimits limits) {
    Gate gate = gates.computeIfAbsent(origin, this::newGate);
    return gate.acquire(limits);
  }

  /** Requests in flight to {@code origin}. */
  public int inFlight(String origin) {
    Gate gate = gates.get(origin);
    return gate == null ? 0 : gate.inFlight();
  }

  private Gate newGate(String origin) {
    Gate gate = new Gate(origin);
    Gauge.builder("strata.upstream.inflight", gate, Gate::inFlight)
        .description("Requests in flight to an origin")
        .tags("role", role, "node", nodeId, "origin", origin)
        .register(registry);
    Gauge.builder("strata.upstream.queued", gate, Gate::queued)
        .description("Requests waiting for an origin slot")
        .tags("role", role, "node", nodeId, "origin", origin)
        .register(registry);
    return gate;
  }

  private final class Gate {
    private final String origin;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int inFlight;

    Gate(String origin) {
      this.origin = origin;
    }

    synchronized int inFlight() {
      return inFlight;
    }

    synchronized int queued() {
      return queue.size();
    }

    Future<Runnable> acquire(OriginLimits limits) {
      Waiter waiter;
      synchronized (this) {
        if (inFlight < limits.maxInFlight() && queue.isEmpty()) {
          inFlight++;
          return Future.succeededFuture(permit());
        }
        if (queue.size() >= limits.queueLimit()) {
          waiter = null;
        } else {
          waiter = new Waiter(vertx.getOrCreateContext());
          queue.addLast(waiter);
        }
      }
      if (waiter == null) {
        shedQueueFull.increment();
        LOG.log(System.Logger.Level.DEBUG, "shedding a request to {0}: queue full", origin);
        return Future.failedFuture(
            new OverloadedException(
                "origin " + origin + " has " + limits.maxInFlight() + " requests in flight"));
      }
      waiter.timer =
          vertx.setTimer(
              limits.queueTimeoutMs(),
              t -> {
                boolean removed;
                synchronized (this) {
                  removed = queue.remove(waiter);
                }
                if (removed) {
                  shedQueueTimeout.increment();
                  waiter.promise.tryFail(
                      new OverloadedException(
                          "no slot for origin "
                              + origin
                              + " within "
                              + limits.queueTimeoutMs()
                              + " ms"));
                }
              });
      return waiter.promise.future();
    }

    /** Hands the slot to the oldest waiter, or frees it. */
    private void release() {
      Waiter next;
      synchronized (this) {
        next = queue.pollFirst();
        if (next == null) {
          inFlight--;
        }
      }
      if (next != null) {
        if (next.timer >= 0) {
          // A timer that fires anyway finds the waiter gone from the queue and does nothing.
          vertx.cancelTimer(next.timer);
        }
        Runnable permit = permit();
        next.context.runOnContext(v -> next.promise.complete(permit));
      }
    }

    private Runnable permit() {
      AtomicBoolean released = new AtomicBoolean();
      return () -> {
        if (released.compareAndSet(false, true)) {
          release();
        }
      };
    }
  }

  private static final class Waiter {
    final Context context;
    final Promise<Runnable> promise = Promise.promise();
    volatile long timer = -1;

    Waiter(Context context) {
      this.context = context;
    }
  }
}
