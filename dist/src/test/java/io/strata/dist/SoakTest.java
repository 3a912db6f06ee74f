package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.cache.StoredBody;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.time.Clock;
import io.strata.edge.EdgeNode;
import io.strata.regional.RegionalNode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * A bounded soak through edge → two regional nodes → origin: closed-loop viewers keep a mix of
 * hits, misses (with eviction), large bodies (stored off-heap, evicted while other viewers may
 * still be reading them), pass-through requests, origin errors and cut connections going for {@code
 * strata.soak.seconds} (12 by default; {@code mvn -B -pl dist -am -Psoak verify} runs 300). Heap
 * after GC, direct memory and open file descriptors are measured after a warm-up and at the end,
 * and must not grow beyond a margin; once the viewers stop, every byte of direct memory held by
 * stored bodies belongs to an entry of a store (a write that never gave its reference back would
 * show as the difference); every request gets the answer its kind calls for, in the first half as
 * in the second. The figures are printed and written to {@code target/soak-report.txt}.
 */
class SoakTest {
  private static final int VIEWERS = 32;
  private static final int HOT_KEYS = 200;
  private static final int COLD_KEYS = 50_000;
  private static final Buffer HOT_BODY = Buffer.buffer(new byte[4 * 1024]);
  private static final Buffer COLD_BODY = Buffer.buffer(new byte[16 * 1024]);
  private static final int LARGE_KEYS = 64;

  /** Above {@link StoredBody#DIRECT_MIN_BYTES}: stored off-heap; 64 of them exceed the edge. */
  private static final Buffer LARGE_BODY = Buffer.buffer(new byte[256 * 1024]);

  /** What the viewers ask for, one kind per request in a fixed rotation of 100. */
  enum Kind {
    HOT(67, 200),
    COLD(15, 200),
    LARGE(3, 200),
    PASS(8, 200),
    ERROR(5, 503),
    RESET(2, 502);

    final int share;
    final int status;

    Kind(int share, int status) {
      this.share = share;
      this.status = status;
    }

    static Kind of(long n) {
      int slot = (int) (n % 100);
      for (Kind k : values()) {
        if (slot < k.share) {
          return k;
        }
        slot -= k.share;
      }
      throw new AssertionError();
    }
  }

  /**
   * Resource figures of this JVM. {@code heap} is used heap after GC less the bytes the caches hold
   * ({@code cached}), which grow to their budgets by design.
   */
  record Usage(long heap, long cached, long direct, long fds, int threads) {
    static Usage now(List<CacheNode> nodes) {
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      long direct = 0;
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        if (pool.getName().equals("direct")) {
          direct = pool.getMemoryUsed();
        }
      }
      long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
      long fds = -1;
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
        fds = unix.getOpenFileDescriptorCount();
      }
      long cached = 0;
      for (CacheNode node : nodes) {
        node.store().cleanUp();
        // Direct bodies are part of the weighted size but not of the heap.
        cached += node.store().weightedSize() - node.store().directBytes();
      }
      return new Usage(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - cached,
          cached,
          direct + Math.max(netty, 0),
          fds,
          Thread.activeCount());
    }

    String describe() {
      return String.format(
          "heap after GC %.1f MiB besides %.1f MiB cached, direct %.1f MiB, fds %d, threads %d",
          heap / 1048576.0, cached / 1048576.0, direct / 1048576.0, fds, threads);
    }
  }

  /** Counts of one half of the run. */
  static final class Half {
    final LongAdder requests = new LongAdder();
    final LongAdder expectedErrors = new LongAdder();
    final LongAdder unexpected = new LongAdder();
    final LongAdder hits = new LongAdder();
    final java.util.concurrent.atomic.AtomicLongArray maxMillis =
        new java.util.concurrent.atomic.AtomicLongArray(Kind.values().length);
    final java.util.concurrent.atomic.AtomicLongArray count =
        new java.util.concurrent.atomic.AtomicLongArray(Kind.values().length);

    String latencies() {
      StringBuilder sb = new StringBuilder();
      for (Kind k : Kind.values()) {
        sb.append(k)
            .append(' ')
            .append(count.get(k.ordinal()))
            .append(" max ")
            .append(maxMillis.get(k.ordinal()))
            .append(" ms; ");
      }
      return sb.toString();
    }
  }

  @Test
  void longRunUnderLoadLeaksNoMemoryOrDescriptorsAndErrorsStayFlat() throws Exception {
    long seconds = Long.getLong("strata.soak.seconds", 12);
    Vertx vertx = StrataVertx.create();
    HttpServer origin =
        Sync.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      String path = req.path();
                      if (path.startsWith("/hot/")) {
                        req.response().putHeader("Cache-Control", "max-age=600").end(HOT_BODY);
                      } else if (path.startsWith("/large/")) {
                        req.response().putHeader("Cache-Control", "max-age=600").end(LARGE_BODY);
                      } else if (path.startsWith("/cold/")) {
                        req.response().putHeader("Cache-Control", "max-age=600").end(COLD_BODY);
                      } else if (path.startsWith("/api/error/")) {
                        req.response().setStatusCode(503).end("origin error");
                      } else if (path.startsWith("/api/reset/")) {
                        req.connection().close();
                      } else {
                        req.response().end("pass");
                      }
                    })
                .listen(0, "127.0.0.1"));
    Router router =
        new Router(
            ConfigLoader.parse(
                Tiers.config("http://127.0.0.1:" + origin.actualPort()), "soak.yaml"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<CacheNode> regionals = new ArrayList<>();
    List<URI> regionalUrls = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CacheNode node =
          Sync.await(
              RegionalNode.start(
                  vertx,
                  "regional-" + i,
                  new ListenOptions("127.0.0.1", 0, 1),
                  16L << 20,
                  4L << 20,
                  router,
                  registry,
                  Clock.SYSTEM));
      regionals.add(node);
      regionalUrls.add(URI.create("http://127.0.0.1:" + node.port()));
    }
    CacheNode edge =
        Sync.await(
            EdgeNode.start(
                vertx,
                "edge-0",
                new ListenOptions("127.0.0.1", 0, 2),
                8L << 20,
                4L << 20,
                regionalUrls,
                router,
                registry,
                Clock.SYSTEM));
    TestClient viewer = new TestClient(vertx, edge.port());
    List<CacheNode> nodes = new ArrayList<>(regionals);
    nodes.add(edge);
    // Direct bytes held by something other than these stores (other tests' nodes) before the run.
    long unownedBefore = unownedDirectBytes(nodes);
    AtomicLong sequence = new AtomicLong();
    // The warm-up's requests, then the two measured halves.
    Half[] halves = {new Half(), new Half(), new Half()};
    long startNanos = System.nanoTime();
    long warmupNanos = Math.max(3, seconds / 5) * 1_000_000_000L;
    long endNanos = startNanos + warmupNanos + seconds * 1_000_000_000L;
    long middleNanos = startNanos + warmupNanos + seconds * 500_000_000L;
    long warmed = startNanos + warmupNanos;
    List<Promise<Void>> loops = new ArrayList<>();
    for (int v = 0; v < VIEWERS; v++) {
      Promise<Void> done = Promise.promise();
      loops.add(done);
      viewer.onContext(() -> next(viewer, sequence, halves, warmed, middleNanos, endNanos, done));
    }
    Thread.sleep(warmupNanos / 1_000_000);
    Usage before = Usage.now(nodes);
    for (Promise<Void> loop : loops) {
      // Longer than Sync.await's limit: the loops end at the end of the run.
      loop.future().toCompletionStage().toCompletableFuture().get(seconds + 60, TimeUnit.SECONDS);
    }
    // Let closed connections and timers settle before the final figures.
    Thread.sleep(1_000);
    Usage after = Usage.now(nodes);
    long unownedAfter = unownedDirectBytes(nodes);

    long requests = halves[0].requests.sum() + halves[1].requests.sum();
    String report =
        String.format(
            // The leak detector's level is part of the figures: at PARANOID every access to an
            // off-heap body records a stack trace, and the rate falls about fivefold.
            "soak %d s (+%d s warm-up), %d viewers, Netty leak detection %s: %d requests measured"
                + " (%.0f/s), hits at the"
                + " edge %d, expected errors %d (%d / %d per half), unexpected %d; before: %s;"
                + " after: %s; direct bodies in the stores %.1f MiB, outside them %d B before and"
                + " %d B after%n",
            seconds,
            warmupNanos / 1_000_000_000L,
            VIEWERS,
            io.netty.util.ResourceLeakDetector.getLevel(),
            requests,
            requests / (double) seconds,
            halves[0].hits.sum() + halves[1].hits.sum(),
            halves[0].expectedErrors.sum() + halves[1].expectedErrors.sum(),
            halves[0].expectedErrors.sum(),
            halves[1].expectedErrors.sum(),
            halves[0].unexpected.sum() + halves[1].unexpected.sum(),
            before.describe(),
            after.describe(),
            nodes.stream().mapToLong(n -> n.store().directBytes()).sum() / 1048576.0,
            unownedBefore,
            unownedAfter);
    report +=
        "first half: " + halves[0].latencies() + "\nsecond half: " + halves[1].latencies() + "\n";
    System.out.print(report);
    writeReport(report);
    try {
      assertEquals(0, halves[0].unexpected.sum() + halves[1].unexpected.sum(), report);
      for (Half half : List.of(halves[0], halves[1])) {
        double share = half.expectedErrors.sum() / (double) Math.max(1, half.requests.sum());
        // 7 of every 100 requests are scripted to fail: no more, in either half.
        assertTrue(Math.abs(share - 0.07) < 0.01, "error share " + share + ": " + report);
      }
      assertTrue(after.heap() - before.heap() < 24L << 20, "heap grew: " + report);
      assertTrue(after.direct() - before.direct() < 16L << 20, "direct memory grew: " + report);
      assertTrue(
          nodes.stream().anyMatch(n -> n.store().directBytes() > 0),
          "no body was stored off-heap: " + report);
      assertEquals(unownedBefore, unownedAfter, "stored bodies outlived their entries: " + report);
      if (before.fds() >= 0) {
        // Keep-alive pools may still be growing after the warm-up: with 32 viewers, at most about
        // 32 connections per hop (two descriptors each on loopback). A leak grows without bound.
        assertTrue(after.fds() - before.fds() < 96, "file descriptors grew: " + report);
      }
    } finally {
      viewer.close();
      Sync.await(edge.close());
      for (CacheNode r : regionals) {
        Sync.await(r.close());
      }
      Sync.await(origin.close());
      Sync.await(vertx.close());
    }
  }

  /** One viewer: a request, then the next when it is answered, until the end. */
  private static io.vertx.core.Future<Void> next(
      TestClient viewer,
      AtomicLong sequence,
      Half[] halves,
      long warmedNanos,
      long middleNanos,
      long endNanos,
      Promise<Void> done) {
    long now = System.nanoTime();
    if (now >= endNanos) {
      done.tryComplete();
      return io.vertx.core.Future.succeededFuture();
    }
    long n = sequence.getAndIncrement();
    Kind kind = Kind.of(n);
    String uri =
        switch (kind) {
          case HOT -> "/hot/" + (n * 7919 % HOT_KEYS);
          case COLD -> "/cold/" + (n * 104729 % COLD_KEYS);
          case LARGE -> "/large/" + (n * 31 % LARGE_KEYS);
          case PASS -> "/api/ok/" + n;
          case ERROR -> "/api/error/" + n;
          case RESET -> "/api/reset/" + n;
        };
    Half half = halves[now < warmedNanos ? 2 : now < middleNanos ? 0 : 1];
    viewer
        .send(HttpMethod.GET, uri, null, null)
        .onComplete(
            ar -> {
              half.requests.increment();
              long took = (System.nanoTime() - now) / 1_000_000;
              half.count.incrementAndGet(kind.ordinal());
              half.maxMillis.accumulateAndGet(kind.ordinal(), took, Math::max);
              if (ar.failed()
                  || ar.result().status() != kind.status
                  || (kind == Kind.LARGE && ar.result().body().length() != LARGE_BODY.length())) {
                half.unexpected.increment();
              } else if (kind.status != 200) {
                half.expectedErrors.increment();
              } else if ("Hit from strata".equals(ar.result().header("X-Cache"))) {
                half.hits.increment();
              }
              next(viewer, sequence, halves, warmedNanos, middleNanos, endNanos, done);
            });
    return io.vertx.core.Future.succeededFuture();
  }

  /** Direct bytes of stored bodies that no entry of {@code nodes}' stores holds. */
  private static long unownedDirectBytes(List<CacheNode> nodes) {
    long owned = 0;
    for (CacheNode node : nodes) {
      node.store().cleanUp();
      owned += node.store().directBytes();
    }
    return StoredBody.directBytes() - owned;
  }

  private static void writeReport(String report) throws IOException {
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      Files.writeString(
          target.resolve("soak-report.txt"),
          report,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
  }
}
