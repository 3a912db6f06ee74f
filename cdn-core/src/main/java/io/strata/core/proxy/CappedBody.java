package io.strata.core.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body of undeclared length ({@code Transfer-Encoding: chunked}) that may not grow past
 * {@code maxBytes}: the declared-length case is refused before any byte is read, this one is cut as
 * soon as the limit is passed — the stream fails, so the upstream request is reset and nothing is
 * half-forwarded as if complete.
 */
final class CappedBody implements ReadStream<Buffer> {
  /** The body passed the limit; the viewer gets 413. */
  static final class TooLarge extends RuntimeException {
    TooLarge(long max) {
      super("request body over " + max + " bytes", null, false, false);
    }
  }

  private final ReadStream<Buffer> body;
  private final long maxBytes;
  private long received;
  private boolean exceeded;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;

  CappedBody(ReadStream<Buffer> body, long maxBytes) {
    this.body = body;
    this.maxBytes = maxBytes;
  }

  boolean exceeded() {
    return exceeded;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    body.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    if (handler == null) {
      body.handler(null);
      return this;
    }
    body.handler(
        chunk -> {
          if (exceeded) {
            return;
          }
          received += chunk.length();
          if (received > maxBytes) {
            exceeded = true;
            body.pause();
            if (exceptionHandler != null) {
              exceptionHandler.handle(new TooLarge(maxBytes));
            }
            return;
          }
          handler.handle(chunk);
        });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    body.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    if (!exceeded) {
      body.resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (!exceeded) {
      body.fetch(amount);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    body.endHandler(
        v -> {
          if (!exceeded && endHandler != null) {
            endHandler.handle(null);
          }
        });
    return this;
  }
}
