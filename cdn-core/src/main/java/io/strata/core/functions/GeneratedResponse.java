package io.strata.core.functions;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpFrame;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamPriority;
import io.vertx.core.net.NetSocket;

/**
 * A response no origin sent: one a function generated, or the error Strata answers when a function
 * fails. It reads like an origin's response (a stream of one buffer, delivered on the caller's
 * context once a handler is set and the stream is not paused), so the cache stores and serves it by
 * the same rules.
 */
final class GeneratedResponse extends ChosenHeadResponse {
  private final Context context;
  private final Buffer body;
  private final HttpClientRequest request;
  private final Promise<Void> ended = Promise.promise();
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private boolean paused;
  private boolean delivered;
  private boolean scheduled;

  /**
   * @param request the exchange the body came from (the function's invocation), or null; a reset of
   *     it is how a fill abandons the transfer, which is moot for a body already in memory
   */
  GeneratedResponse(
      Context context,
      int status,
      String statusMessage,
      MultiMap headers,
      Buffer body,
      HttpClientRequest request) {
    super(status, statusMessage, headers);
    this.context = context;
    this.body = body;
    this.request = request;
    headers.set("Content-Length", Integer.toString(body.length()));
  }

  private void schedule() {
    if (delivered || scheduled || paused || (handler == null && endHandler == null)) {
      return;
    }
    scheduled = true;
    context.runOnContext(v -> deliver());
  }

  private void deliver() {
    scheduled = false;
    if (delivered || paused) {
      return;
    }
    delivered = true;
    if (handler != null && body.length() > 0) {
      handler.handle(body);
    }
    if (endHandler != null) {
      endHandler.handle(null);
    }
    ended.tryComplete();
  }

  @Override
  public HttpVersion version() {
    return HttpVersion.HTTP_1_1;
  }

  @Override
  public HttpClientResponse fetch(long amount) {
    if (amount > 0) {
      paused = false;
      schedule();
    }
    return this;
  }

  @Override
  public HttpClientResponse resume() {
    paused = false;
    schedule();
    return this;
  }

  @Override
  public HttpClientResponse pause() {
    paused = true;
    return this;
  }

  @Override
  public HttpClientResponse exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public HttpClientResponse handler(Handler<Buffer> handler) {
    this.handler = handler;
    schedule();
    return this;
  }

  @Override
  public HttpClientResponse endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    schedule();
    return this;
  }

  @Override
  public NetSocket netSocket() {
    throw new IllegalStateException("a generated response has no connection");
  }

  @Override
  public String getTrailer(String name) {
    return null;
  }

  @Override
  public MultiMap trailers() {
    return MultiMap.caseInsensitiveMultiMap();
  }

  @Override
  public Future<Buffer> body() {
    delivered = true;
    ended.tryComplete();
    return Future.succeededFuture(body);
  }

  @Override
  public Future<Void> end() {
    return ended.future();
  }

  @Override
  public HttpClientResponse customFrameHandler(Handler<HttpFrame> handler) {
    return this;
  }

  @Override
  public HttpClientRequest request() {
    return request;
  }

  @Override
  public HttpClientResponse streamPriorityHandler(Handler<StreamPriority> handler) {
    return this;
  }
}
