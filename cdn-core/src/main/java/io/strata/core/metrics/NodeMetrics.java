package io.strata.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.FillRegistry;
import io.strata.core.cache.StoredBody;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one cache tier, tagged with its role. Every meter is created up front, so recording
 * on the request path is a field read and an atomic add. Names are stable strings; Prometheus sees
 * them as {@code strata_requests_total}, {@code strata_cache_hits_total}, and so on.
 */
public final class NodeMetrics {
  private final Counter[] responsesByClass = new Counter[6];
  private final Counter hits;
  private final Counter misses;
  private final Counter collapsed;
  private final Counter passes;
  private final Counter errors;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Timer upstreamLatency;
  private final MeterRegistry registry;
  private final Tags tags;
  private final java.util.Map<String, Counter> pathRejections =
      new java.util.concurrent.ConcurrentHashMap<>();

  public NodeMetrics(
      MeterRegistry registry, String role, String nodeId, CacheStore store, FillRegistry fills) {
    Tags tags = Tags.of("role", role, "node", nodeId);
    this.registry = registry;
    this.tags = tags;
    for (int c = 1; c <= 5; c++) {
      responsesByClass[c] =
          Counter.builder("strata.requests")
              .description("Responses sent to clients, by status class")
              .tags(tags)
              .tag("status", c + "xx")
              .register(registry);
    }
    hits =
        Counter.builder("strata.cache.hits")
            .description("Requests answered from the store")
            .tags(tags)
            .register(registry);
    misses =
        Counter.builder("strata.cache.misses")
            .description("Requests that started an upstream fill")
            .tags(tags)
            .register(registry);
    collapsed =
        Counter.builder("strata.cache.collapsed")
            .description("Requests that joined a fill already in flight instead of going upstream")
            .tags(tags)
            .register(registry);
    passes =
        Counter.builder("strata.cache.passes")
            .description("Requests passed upstream uncached (unsafe method or caching disabled)")
            .tags(tags)
            .register(registry);
    errors =
        Counter.builder("strata.upstream.errors")
            .description("Upstream requests that failed")
            .tags(tags)
            .register(registry);
    bytesIn =
        Counter.builder("strata.bytes.in")
            .baseUnit("bytes")
            .description("Body bytes received from upstream")
            .tags(tags)
            .register(registry);
    bytesOut =
        Counter.builder("strata.bytes.out")
            .baseUnit("bytes")
            .description("Bytes sent to clients")
            .tags(tags)
            .register(registry);
    upstreamLatency =
        Timer.builder("strata.upstream.latency")
            .description("Time from sending an upstream request to receiving its response headers")
            .tags(tags)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
    Gauge.builder("strata.cache.size", store, CacheStore::weightedSize)
        .baseUnit("bytes")
        .description("Bytes held in the store")
        .tags(tags)
        .register(registry);
    Gauge.builder("strata.cache.budget", store, CacheStore::byteBudget)
        .baseUnit("bytes")
        .description("Configured byte budget of the store")
        .tags(tags)
        .register(registry);
    Gauge.builder("strata.cache.direct", store, CacheStore::directBytes)
        .baseUnit("bytes")
        .description("Bytes of stored bodies held off-heap (direct memory), part of the size")
        .tags(tags)
        .register(registry);
    // Per JVM: stored bodies not yet freed, including those still being written after their
    // entry left a store. Registered by the first node of a JVM (`strata up` runs two).
    if (registry.find("strata.bodies.direct").gauge() == null) {
      Gauge.builder("strata.bodies.direct", StoredBody::directBytes)
          .baseUnit("bytes")
          .description(
              "Direct memory held by stored bodies in this JVM, in stores or being written")
          .register(registry);
    }
    Gauge.builder("strata.cache.entries", store, CacheStore::entryCount)
        .description("Objects held in the store")
        .tags(tags)
        .register(registry);
    Gauge.builder("strata.fills.inflight", fills, FillRegistry::inFlight)
        .description("Joinable upstream fills in flight")
        .tags(tags)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "strata.cache.evictions", store, CacheStore::evictionCount)
        .description("Objects evicted to stay within the byte budget")
        .tags(tags)
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "strata.cache.expirations", store, CacheStore::expirationCount)
        .description("Objects removed because their retention (fresh and stale) ended")
        .tags(tags)
        .register(registry);
  }

  /** A request refused for its path (malformed, or an alias of another behavior's path). */
  public void pathRejected(String reason) {
    pathRejections
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("strata.path.rejections")
                    .description("Requests refused with 400 for an ambiguous or malformed path")
                    .tags(tags)
                    .tag("reason", r)
                    .register(registry))
        .increment();
  }

  public void response(int status, long bytesWritten) {
    int c = status / 100;
    // Vert.x only sends statuses 100..599, so c is 1..5.
    responsesByClass[Math.max(1, Math.min(5, c))].increment();
    bytesOut.increment(bytesWritten);
  }

  public void hit() {
    hits.increment();
  }

  public void miss() {
    misses.increment();
  }

  public void collapsed() {
    collapsed.increment();
  }

  public void pass() {
    passes.increment();
  }

  public void upstreamError() {
    errors.increment();
  }

  public void bytesIn(long n) {
    bytesIn.increment(n);
  }

  public void upstreamLatency(long nanos) {
    upstreamLatency.record(nanos, TimeUnit.NANOSECONDS);
  }
}
