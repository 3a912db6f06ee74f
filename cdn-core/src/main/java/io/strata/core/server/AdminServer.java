package io.strata.core.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * The operator port of a process (9091 by default, never a viewer-facing port): {@code /metrics} in
 * Prometheus text format and {@code /health} as JSON.
 */
public final class AdminServer {
  private AdminServer() {}

  /**
   * @param roles the roles this process runs, reported by {@code /health}
   * @param healthy whether the process considers itself able to serve
   */
  public static Future<HttpListener> start(
      Vertx vertx,
      ListenOptions listen,
      PrometheusMeterRegistry registry,
      List<String> roles,
      Supplier<Boolean> healthy) {
    HttpServerOptions options =
        new HttpServerOptions().setHost(listen.host()).setPort(listen.port());
    return HttpListener.start(
        vertx,
        new ListenOptions(listen.host(), listen.port(), 1),
        options,
        request -> {
          var response = request.response();
          if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            response.setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
            return;
          }
          switch (request.path()) {
            case "/metrics" ->
                vertx
                    .<String>executeBlocking(registry::scrape, false)
                    .onComplete(
                        ar -> {
                          if (ar.succeeded()) {
                            response
                                .putHeader(
                                    "Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                                .end(ar.result());
                          } else {
                            response.setStatusCode(500).end();
                          }
                        });
            case "/health" -> {
              boolean up = healthy.get();
              response
                  .setStatusCode(up ? 200 : 503)
                  .putHeader("Content-Type", "application/json")
                  .end(
                      new JsonObject()
                          .put("status", up ? "UP" : "DOWN")
                          .put("roles", new JsonArray(roles))
                          .encode());
            }
            default ->
                response
                    .setStatusCode(404)
                    .putHeader("Content-Type", "application/json")
                    .end("{\"message\":\"not found: use /metrics or /health\"}");
          }
        });
  }
}
