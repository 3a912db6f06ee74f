package io.strata.core.testing;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real origin server on a loopback ephemeral port whose answers a test scripts per path prefix,
 * and which counts the requests it receives per path. Sends no {@code Date} header unless scripted,
 * so tests on a manual clock see no apparent age.
 */
public final class ScriptedOrigin implements AutoCloseable {
  private final Map<String, Handler<HttpServerRequest>> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final HttpServer server;

  public ScriptedOrigin(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(this::handle);
    Sync.await(server.listen(0, "127.0.0.1"));
  }

  /** Answers requests whose path starts with {@code prefix} (longest prefix wins). */
  public ScriptedOrigin on(String prefix, Handler<HttpServerRequest> handler) {
    routes.put(prefix, handler);
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Requests received for exactly this path (any method, query ignored). */
  public int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  public int totalHits() {
    return hits.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  private void handle(HttpServerRequest request) {
    hits.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
    String best = null;
    for (String prefix : routes.keySet()) {
      if (request.path().startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    if (best == null) {
      request.response().setStatusCode(404).end("no script for " + request.path());
    } else {
      routes.get(best).handle(request);
    }
  }

  @Override
  public void close() {
    Sync.await(server.close());
  }
}
