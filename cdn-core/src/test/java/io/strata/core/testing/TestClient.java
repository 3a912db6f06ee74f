package io.strata.core.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/** A viewer: a real HTTP client that talks to a node on loopback and hands back whole responses. */
public final class TestClient implements AutoCloseable {
  /** A received response. */
  public record Response(int status, MultiMap headers, Buffer body) {
    public String header(String name) {
      return headers.get(name);
    }

    public String text() {
      return body.toString();
    }
  }

  private final HttpClient client;
  private final int port;
  // Requests start on one event-loop context, so each response's handlers are set in the same
  // task that delivers it (from a plain thread, the body could arrive before body() is called).
  private final io.vertx.core.Context context;

  public TestClient(Vertx vertx, int port) {
    this.client =
        vertx
            .httpClientBuilder()
            .with(new HttpClientOptions().setKeepAlive(true))
            .with(new PoolOptions().setHttp1MaxSize(512))
            .build();
    this.port = port;
    this.context = vertx.getOrCreateContext();
  }

  public Future<Response> send(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    RequestOptions options =
        new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI(uri);
    if (headers != null) {
      options.setHeaders(headers);
    }
    io.vertx.core.Promise<Response> result = io.vertx.core.Promise.promise();
    context.runOnContext(
        v ->
            client
                .request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(
                    resp ->
                        resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b)))
                .onComplete(result));
    return result.future();
  }

  public Response get(String uri) {
    return Sync.await(send(HttpMethod.GET, uri, null, null));
  }

  public Response request(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    return Sync.await(send(method, uri, headers, body));
  }

  /** Runs a request chain of the test's own on this client's event-loop context. */
  public <T> Future<T> onContext(java.util.function.Supplier<Future<T>> chain) {
    io.vertx.core.Promise<T> result = io.vertx.core.Promise.promise();
    context.runOnContext(v -> chain.get().onComplete(result));
    return result.future();
  }

  public HttpClient raw() {
    return client;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    Sync.await(client.close());
  }
}
