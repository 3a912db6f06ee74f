package io.strata.core.upstream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP client per origin read timeout, each closing a connection on which nothing has been read
 * for that long. Vert.x's per-request idle timeout stops guarding an exchange once the response
 * headers have arrived, so without this an origin that stalls mid-body would hold a fill (and its
 * viewers) until the connection dies; with it, the connection is closed, the fill fails and nothing
 * is stored. The connection's limit is a little longer than the request's, so that before the
 * headers the request's own timeout (a 504) wins. Configurations use few distinct read timeouts, so
 * there are few clients.
 */
public final class ReadTimeoutClients {
  private final Vertx vertx;
  private final HttpClientOptions base;
  private final PoolOptions pool;
  private final ConcurrentHashMap<Integer, HttpClient> clients = new ConcurrentHashMap<>();

  public ReadTimeoutClients(Vertx vertx, HttpClientOptions base, PoolOptions pool) {
    this.vertx = vertx;
    this.base = new HttpClientOptions(base);
    this.pool = new PoolOptions(pool);
  }

  /** The client whose connections are closed after about {@code readTimeoutMs} without a read. */
  public HttpClient forReadTimeout(int readTimeoutMs) {
    return clients.computeIfAbsent(
        readTimeoutMs,
        ms ->
            vertx
                .httpClientBuilder()
                .with(
                    new HttpClientOptions(base)
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                        .setReadIdleTimeout(ms + Math.max(100, ms / 10)))
                .with(pool)
                .build());
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(c -> closing.add(c.close()));
    return Future.all(closing).mapEmpty();
  }
}
