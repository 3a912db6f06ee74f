package io.strata.dist;

import io.strata.core.server.HttpListener;
import io.strata.core.server.ListenOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The example origin that {@code strata up} serves itself: static files from a folder with {@code
 * Cache-Control: public, max-age=300} (CSS a day), and {@code /api/time}, a dynamic JSON answer
 * that must never be cached. Every response carries {@code X-Origin-Hits}, so a viewer can see how
 * often the origin was actually reached.
 *
 * <p>{@code /gen/SIZE/NAME} answers {@code SIZE} bytes ({@code 1024}, {@code 16k}, {@code 1m}; at
 * most 64 MiB) that depend only on {@code NAME} and {@code SIZE}, cacheable for an hour: the
 * content the load tests and the side-by-side benchmark use. {@code /gen/SIZE/MILLISms/NAME}
 * answers the same after a delay of {@code MILLIS} (at most 10 s), a slow origin for flash-crowd
 * tests.
 */
final class ExampleOrigin {
  private static final Map<String, String> TYPES =
      Map.of(
          "html",
          "text/html; charset=utf-8",
          "css",
          "text/css; charset=utf-8",
          "js",
          "text/javascript; charset=utf-8",
          "json",
          "application/json",
          "svg",
          "image/svg+xml",
          "png",
          "image/png",
          "txt",
          "text/plain; charset=utf-8");

  private ExampleOrigin() {}

  static Future<HttpListener> start(Vertx vertx, ListenOptions listen, Path root) {
    Path base = root.toAbsolutePath().normalize();
    AtomicLong hits = new AtomicLong();
    return HttpListener.start(
        vertx,
        listen,
        new HttpServerOptions().setHost(listen.host()),
        request -> {
          long n = hits.incrementAndGet();
          request
              .response()
              .putHeader("X-Origin-Hits", Long.toString(n))
              .putHeader(
                  "Date",
                  DateTimeFormatter.RFC_1123_DATE_TIME.format(
                      Instant.now().atOffset(ZoneOffset.UTC)));
          if (request.path().startsWith("/gen/")
              && (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)) {
            Generated.serve(vertx, request);
          } else if (request.path().equals("/api/time")) {
            request
                .response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(
                    new JsonObject()
                        .put("now", Instant.now().toString())
                        .put("originHits", n)
                        .encode());
          } else if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
            serveFile(request, base);
          } else {
            request.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
          }
        });
  }

  private static void serveFile(HttpServerRequest request, Path base) {
    String path = request.path().endsWith("/") ? request.path() + "index.html" : request.path();
    Path file = base.resolve(path.substring(1)).normalize();
    var response = request.response();
    if (!file.startsWith(base) || !Files.isRegularFile(file)) {
      response
          .setStatusCode(404)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Cache-Control", "max-age=10")
          .end("not found\n");
      return;
    }
    String name = file.getFileName().toString();
    String ext = name.substring(name.lastIndexOf('.') + 1);
    response
        .putHeader("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"))
        .putHeader(
            "Cache-Control", ext.equals("css") ? "public, max-age=86400" : "public, max-age=300");
    response.sendFile(file.toString());
  }
}
