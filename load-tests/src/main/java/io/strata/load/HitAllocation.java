package io.strata.load;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.time.Clock;
import io.strata.edge.EdgeNode;
import io.strata.regional.RegionalNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes allocated and CPU time spent by the edge's event loop per cache hit: a numbers that does
 * not depend on how busy the machine is (unlike requests/s), for comparing hit-path changes.
 *
 * <p>Runs in one JVM on loopback: an origin shaped like the example origin's {@code /gen} route, a
 * real regional node and a real edge ({@link EdgeNode}, the viewer stages included) on its own
 * single event loop, and a client on another. Warms one object, then sends {@code N} sequential
 * keep-alive GETs that are all edge hits, reading the edge event loop thread's allocated bytes and
 * CPU time ({@code com.sun.management.ThreadMXBean}) before and after.
 *
 * <p>{@code java -cp benchmarks.jar io.strata.load.HitAllocation [N] [SIZE...]}, e.g. {@code 50000
 * 1k 16k}.
 */
public final class HitAllocation {
  private HitAllocation() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    List<String> sizes =
        args.length > 1 ? List.of(args).subList(1, args.length) : List.of("1k", "16k");
    Vertx origin = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx regionalVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx edgeVertx =
        io.strata.core.server.StrataVertx.create(new VertxOptions().setEventLoopPoolSize(1));
    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      int originPort = startOrigin(origin);
      CacheNode regional =
          await(
              RegionalNode.start(
                  regionalVertx,
                  "regional-1",
                  new ListenOptions("127.0.0.1", 0, 1),
                  64 << 20,
                  16 << 20,
                  router(originPort),
                  new SimpleMeterRegistry(),
                  Clock.SYSTEM));
      CacheNode edge =
          await(
              EdgeNode.start(
                  edgeVertx,
                  "edge-1",
                  new ListenOptions("127.0.0.1", 0, 1),
                  64 << 20,
                  16 << 20,
                  List.of(URI.create("http://127.0.0.1:" + regional.port())),
                  router(originPort),
                  new SimpleMeterRegistry(),
                  Clock.SYSTEM));
      long edgeThread = threadOf(edgeVertx);
      HttpClientAgent client =
          clientVertx
              .httpClientBuilder()
              .with(new HttpClientOptions().setKeepAlive(true))
              .with(new PoolOptions().setHttp1MaxSize(1))
              .build();
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      for (String size : sizes) {
        String path = "/gen/" + size + "/hit-allocation";
        run(client, edge.port(), path, Math.max(2_000, n / 5)); // fill and warm up (JIT)
        long bytes0 = threads.getThreadAllocatedBytes(edgeThread);
        long cpu0 = threads.getThreadCpuTime(edgeThread);
        long hits = run(client, edge.port(), path, n);
        long bytes = threads.getThreadAllocatedBytes(edgeThread) - bytes0;
        long cpu = threads.getThreadCpuTime(edgeThread) - cpu0;
        System.out.printf(
            "%-5s %d hits: edge event loop allocated %.0f B/hit, CPU %.1f µs/hit%n",
            size, hits, (double) bytes / n, cpu / 1000.0 / n);
      }
    } finally {
      for (Vertx v : List.of(clientVertx, edgeVertx, regionalVertx, origin)) {
        v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  /** N sequential GETs on one connection; the number that were edge hits with the full body. */
  private static long run(HttpClient client, int port, String path, int n) throws Exception {
    AtomicLong hits = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(path)
            .putHeader("Host", "localhost");
    next(client, options, n, hits, done);
    done.get(5, TimeUnit.MINUTES);
    return hits.get();
  }

  private static void next(
      HttpClient client,
      RequestOptions options,
      int left,
      AtomicLong hits,
      CompletableFuture<Void> done) {
    if (left == 0) {
      done.complete(null);
      return;
    }
    client
        .request(options)
        .compose(
            r -> r.send().compose(resp -> resp.body().map(b -> hit(resp.getHeader("X-Cache"), b))))
        .onSuccess(
            hit -> {
              if (hit) {
                hits.incrementAndGet();
              }
              next(client, options, left - 1, hits, done);
            })
        .onFailure(done::completeExceptionally);
  }

  private static boolean hit(String xCache, Buffer body) {
    return "Hit from strata".equals(xCache) && body.length() > 0;
  }

  /**
   * An origin shaped like the example origin's {@code /gen/SIZE/NAME} and {@code
   * /gen/SIZE/MILLISms/NAME} (answered after a delay).
   */
  static int startOrigin(Vertx vertx) throws Exception {
    return await(
            vertx
                .createHttpServer()
                .requestHandler(
                    request -> {
                      String[] parts = request.path().split("/");
                      int bytes = HotSetSizes.bytes(parts[2]);
                      long delay =
                          parts.length > 4 && parts[3].endsWith("ms")
                              ? Long.parseLong(parts[3].substring(0, parts[3].length() - 2))
                              : 0;
                      if (delay > 0) {
                        vertx.setTimer(delay, t -> answer(request, bytes));
                      } else {
                        answer(request, bytes);
                      }
                    })
                .listen(0, "127.0.0.1"))
        .actualPort();
  }

  private static void answer(io.vertx.core.http.HttpServerRequest request, int bytes) {
    request
        .response()
        .putHeader("X-Origin-Hits", "1")
        .putHeader(
            "Date",
            DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC)))
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Cache-Control", "public, max-age=3600")
        .end(Buffer.buffer(new byte[bytes]));
  }

  static Router router(int originPort) {
    return new Router(
        ConfigLoader.parse(
            String.join(
                "\n",
                "distributions:",
                "  - id: site",
                "    aliases: [localhost, 127.0.0.1]",
                "    origins:",
                "      - id: web",
                "        url: http://127.0.0.1:" + originPort,
                "    defaultBehavior:",
                "      origin: web",
                "      compress: true",
                "      cachePolicy: { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 }",
                ""),
            "hit-allocation.yaml"));
  }

  static long threadOf(Vertx vertx) throws Exception {
    CompletableFuture<Long> id = new CompletableFuture<>();
    vertx.runOnContext(v -> id.complete(Thread.currentThread().getId()));
    return id.get(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Sizes as the origin's {@code /gen/SIZE/} takes them: {@code 1k}, {@code 16k}, {@code 1m}. */
  private static final class HotSetSizes {
    static int bytes(String size) {
      String s = size.toLowerCase(java.util.Locale.ROOT);
      int unit = s.endsWith("m") ? 1 << 20 : s.endsWith("k") ? 1 << 10 : 1;
      return Integer.parseInt(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }
  }
}
