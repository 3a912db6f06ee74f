package io.strata.core.proxy;

import io.strata.core.cache.Fill;
import io.strata.core.cache.ResponseHead;
import io.strata.core.time.Clock;
import io.strata.core.upstream.UpstreamFailure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;

/**
 * One viewer reading a {@link Fill}: writes the head as soon as it arrives, then each chunk as the
 * viewer's connection accepts it. All work runs on the viewer's own event loop; the fill may wake
 * it from any thread.
 */
final class FillReader implements Fill.Reader {
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Context context;
  private final Clock clock;
  private final String viaToken;
  private final boolean headOnly;
  private final IntPredicate errorHook;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private Fill fill;
  private String xCache;
  private boolean headWritten;
  private boolean done;

  /**
   * @param errorHook consulted with the status before the head is written; when it returns {@code
   *     true} a custom error response has taken the viewer's response over
   */
  FillReader(HttpServerRequest request, Clock clock, String viaToken, IntPredicate errorHook) {
    this.errorHook = errorHook;
    this.request = request;
    this.response = request.response();
    this.context = Vertx.currentContext();
    this.clock = clock;
    this.viaToken = viaToken;
    this.headOnly = request.method() == HttpMethod.HEAD;
  }

  /** Called once on the viewer's context after joining; starts reading. */
  void attach(Fill fill, String xCache) {
    this.fill = fill;
    this.xCache = xCache;
    response.closeHandler(v -> finish());
    pump();
  }

  @Override
  public void wake() {
    if (wakePending.compareAndSet(false, true)) {
      context.runOnContext(
          v -> {
            wakePending.set(false);
            pump();
          });
    }
  }

  private void pump() {
    if (fill == null || done) {
      return;
    }
    if (!headWritten) {
      Throwable error = fill.error();
      ResponseHead head = fill.head();
      if (error != null) {
        finish();
        UpstreamFailure failure = UpstreamFailure.of(error);
        if (errorHook.test(failure.status())) {
          return;
        }
        ErrorResponses.send(
            response,
            failure.status(),
            failure.status() == 504 ? "Gateway Timeout" : "Bad Gateway",
            "The origin could not be reached or did not answer in time.");
        return;
      }
      if (head == null) {
        return;
      }
      if (errorHook.test(head.status())) {
        finish();
        return;
      }
      writeHead(head);
      headWritten = true;
      if (headOnly) {
        finish();
        response.end();
        return;
      }
    }
    while (!response.writeQueueFull()) {
      Fill.Read read = fill.read(this);
      if (read.chunk() != null) {
        response.write(read.chunk());
      } else if (read.end()) {
        finish();
        response.end();
        return;
      } else if (read.error() != null) {
        // Headers are gone already: cutting the connection is the only honest way to say
        // "truncated".
        finish();
        response.reset();
        return;
      } else {
        return;
      }
    }
    response.drainHandler(v -> pump());
  }

  private void writeHead(ResponseHead head) {
    response.setStatusCode(head.status());
    response.headers().addAll(head.headers());
    String upstreamVia = head.headers().get(StrataHeaders.VIA);
    response
        .headers()
        .set(StrataHeaders.VIA, upstreamVia == null ? viaToken : upstreamVia + ", " + viaToken)
        .set(StrataHeaders.AGE, Long.toString(head.ageSeconds(clock.millis())))
        .set(StrataHeaders.X_CACHE, StrataHeaders.xCache(head.status(), xCache));
    if (head.contentLength() < 0 && !headOnly) {
      response.setChunked(true);
    }
  }

  private void finish() {
    if (!done) {
      done = true;
      fill.leave(this);
    }
  }
}
