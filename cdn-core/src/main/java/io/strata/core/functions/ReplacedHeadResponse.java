package io.strata.core.functions;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpFrame;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamPriority;
import io.vertx.core.net.NetSocket;

/**
 * The origin's response with the status and headers an origin-response function chose; the body
 * still streams from the origin, untouched (Lambda@Edge does not let the function see it).
 */
final class ReplacedHeadResponse extends ChosenHeadResponse {
  private final HttpClientResponse origin;

  ReplacedHeadResponse(
      HttpClientResponse origin, int status, String statusMessage, MultiMap headers) {
    super(status, statusMessage, headers);
    this.origin = origin;
  }

  @Override
  public HttpVersion version() {
    return origin.version();
  }

  @Override
  public HttpClientResponse fetch(long amount) {
    origin.fetch(amount);
    return this;
  }

  @Override
  public HttpClientResponse resume() {
    origin.resume();
    return this;
  }

  @Override
  public HttpClientResponse pause() {
    origin.pause();
    return this;
  }

  @Override
  public HttpClientResponse exceptionHandler(Handler<Throwable> handler) {
    origin.exceptionHandler(handler);
    return this;
  }

  @Override
  public HttpClientResponse handler(Handler<Buffer> handler) {
    origin.handler(handler);
    return this;
  }

  @Override
  public HttpClientResponse endHandler(Handler<Void> handler) {
    origin.endHandler(handler);
    return this;
  }

  @Override
  public NetSocket netSocket() {
    return origin.netSocket();
  }

  @Override
  public String getTrailer(String name) {
    return origin.getTrailer(name);
  }

  @Override
  public MultiMap trailers() {
    return origin.trailers();
  }

  @Override
  public Future<Buffer> body() {
    return origin.body();
  }

  @Override
  public Future<Void> end() {
    return origin.end();
  }

  @Override
  public HttpClientResponse customFrameHandler(Handler<HttpFrame> handler) {
    origin.customFrameHandler(handler);
    return this;
  }

  @Override
  public HttpClientRequest request() {
    return origin.request();
  }

  @Override
  public HttpClientResponse streamPriorityHandler(Handler<StreamPriority> handler) {
    origin.streamPriorityHandler(handler);
    return this;
  }
}
