package io.strata.load;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * The side-by-side benchmark's "limit" target: a bare Vert.x HTTP server that answers {@code
 * /gen/SIZE/...} with SIZE bytes built once at start-up and does nothing else — no routing, no
 * cache, no metrics. What it reaches on a core is what any Vert.x server can reach there, so a
 * cache's hit rate reads as a fraction of it.
 *
 * <p>{@code java -cp benchmarks.jar io.strata.load.LimitServer PORT [EVENT_LOOPS]}; sizes 1k, 16k,
 * 256k, 1m; other paths get 404.
 */
public final class LimitServer {
  private LimitServer() {}

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: LimitServer PORT [EVENT_LOOPS]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int loops =
        args.length > 1
            ? Integer.parseInt(args[1])
            : Math.max(1, Runtime.getRuntime().availableProcessors());
    Vertx vertx =
        Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(loops));
    Map<String, Buffer> bodies = new HashMap<>();
    for (String size : new String[] {"1k", "16k", "256k", "1m"}) {
      int n = size.endsWith("m") ? 1 << 20 : Integer.parseInt(size.replace("k", "")) << 10;
      bodies.put(size, body(n));
    }
    // Headers built once; every response shares them.
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", "application/octet-stream")
            .add("Cache-Control", "public, max-age=3600");
    HttpServerOptions options =
        new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true);
    for (int i = 0; i < loops; i++) {
      vertx
          .createHttpServer(options)
          .requestHandler(request -> answer(request, bodies, headers))
          .listen()
          .await();
    }
    System.out.println(
        "limit server on 127.0.0.1:"
            + port
            + ", "
            + loops
            + " event loop(s), transport "
            + (vertx.isNativeTransportEnabled() ? "epoll" : "NIO"));
  }

  private static void answer(
      HttpServerRequest request, Map<String, Buffer> bodies, MultiMap headers) {
    String path = request.path();
    int end = path.indexOf('/', 5);
    Buffer body = path.startsWith("/gen/") && end > 5 ? bodies.get(path.substring(5, end)) : null;
    if (body == null) {
      request.response().setStatusCode(404).end();
      return;
    }
    request.response().headers().addAll(headers);
    request.response().end(body);
  }

  private static Buffer body(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + i % 26);
    }
    return Buffer.buffer(bytes);
  }
}
