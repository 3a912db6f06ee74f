package io.strata.load;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.time.Clock;
import io.strata.edge.EdgeNode;
import io.strata.regional.RegionalNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a flash crowd costs the edge: {@code USERS} concurrent requests for one cold object behind a
 * slow origin (edge → regional → origin, in one JVM on loopback, the edge on its own event loop),
 * repeated for {@code ROUNDS} fresh objects. Prints, per round, the edge event loop's CPU time and
 * allocated bytes while serving the crowd (independent of how busy the machine is) and the waiters'
 * completion times after the origin's delay (wall clock: only meaningful on an idle machine).
 *
 * <p>{@code java -cp benchmarks.jar io.strata.load.CrowdCost [USERS] [ROUNDS] [SIZE] [DELAY_MS]},
 * defaults 200, 5, 64k, 300.
 */
public final class CrowdCost {
  private CrowdCost() {}

  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String size = args.length > 2 ? args[2] : "64k";
    int delay = args.length > 3 ? Integer.parseInt(args[3]) : 300;
    Vertx origin = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx regionalVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx edgeVertx =
        io.strata.core.server.StrataVertx.create(new VertxOptions().setEventLoopPoolSize(1));
    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      int originPort = HitAllocation.startOrigin(origin);
      CacheNode regional =
          HitAllocation.await(
              RegionalNode.start(
                  regionalVertx,
                  "regional-1",
                  new ListenOptions("127.0.0.1", 0, 1),
                  64 << 20,
                  16 << 20,
                  HitAllocation.router(originPort),
                  new SimpleMeterRegistry(),
                  Clock.SYSTEM));
      CacheNode edge =
          HitAllocation.await(
              EdgeNode.start(
                  edgeVertx,
                  "edge-1",
                  new ListenOptions("127.0.0.1", 0, 1),
                  64 << 20,
                  16 << 20,
                  List.of(URI.create("http://127.0.0.1:" + regional.port())),
                  HitAllocation.router(originPort),
                  new SimpleMeterRegistry(),
                  Clock.SYSTEM));
      long edgeThread = HitAllocation.threadOf(edgeVertx);
      HttpClientAgent client =
          clientVertx
              .httpClientBuilder()
              .with(new HttpClientOptions().setKeepAlive(true))
              .with(new PoolOptions().setHttp1MaxSize(users))
              .build();
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long run = System.currentTimeMillis();
      // Round 0 opens the connections and warms the JIT; it is not reported.
      for (int round = 0; round <= rounds; round++) {
        String path = "/gen/" + size + "/" + delay + "ms/crowd-" + run + "-" + round;
        long bytes0 = threads.getThreadAllocatedBytes(edgeThread);
        long cpu0 = threads.getThreadCpuTime(edgeThread);
        long start = System.nanoTime();
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < users; i++) {
          done.add(
              client
                  .request(
                      new RequestOptions()
                          .setMethod(HttpMethod.GET)
                          .setHost("127.0.0.1")
                          .setPort(edge.port())
                          .setURI(path)
                          .putHeader("Host", "localhost"))
                  .compose(r -> r.send().compose(resp -> resp.body()))
                  .map(b -> System.nanoTime() - start));
        }
        long[] nanos = new long[users];
        for (int i = 0; i < users; i++) {
          nanos[i] = HitAllocation.await(done.get(i));
        }
        long bytes = threads.getThreadAllocatedBytes(edgeThread) - bytes0;
        long cpu = threads.getThreadCpuTime(edgeThread) - cpu0;
        Arrays.sort(nanos);
        if (round > 0) {
          System.out.printf(
              "round %d: edge event loop CPU %.1f ms, allocated %.0f KiB (%.1f KiB per waiter);"
                  + " completion after start: first %.1f ms, median %.1f ms, last %.1f ms (origin"
                  + " delay %d ms)%n",
              round,
              cpu / 1e6,
              bytes / 1024.0,
              bytes / 1024.0 / users,
              nanos[0] / 1e6,
              nanos[users / 2] / 1e6,
              nanos[users - 1] / 1e6,
              delay);
        }
      }
    } finally {
      for (Vertx v : List.of(clientVertx, edgeVertx, regionalVertx, origin)) {
        v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
