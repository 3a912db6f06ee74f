package io.strata.core.viewer;

import io.strata.core.proxy.StrataHeaders;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Listener-level protection shared by the edge's HTTP and HTTPS listeners: a cap on open viewer
 * connections (connections over it are closed at once), and counting of requests the HTTP decoder
 * refused (request line over 8,192 bytes → 414, header block over 20,480 bytes → 431, malformed →
 * 400), which Vert.x answers itself.
 *
 * <p>Vert.x reports an HTTP/1.x connection to the connection handler when its first request head is
 * complete, so the cap counts connections that have sent a request; a connection that never
 * completes one is bounded by the listener's idle timeout instead.
 */
public final class ConnectionGuard {
  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final ViewerPipeline.Rejections rejections;

  ConnectionGuard(int maxConnections, ViewerPipeline.Rejections rejections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
    }
    this.maxConnections = maxConnections;
    this.rejections = rejections;
  }

  /** For {@code HttpServer.connectionHandler}. */
  public Handler<HttpConnection> connectionHandler() {
    return connection -> {
      if (open.incrementAndGet() > maxConnections) {
        open.decrementAndGet();
        rejections.count("max_connections");
        connection.close();
        return;
      }
      connection.closeHandler(v -> open.decrementAndGet());
    };
  }

  /**
   * For {@code HttpServer.invalidRequestHandler}: counts, answers with a short body and {@code
   * Connection: close} (so clients do not reuse a connection the edge is about to close), then
   * closes the connection.
   */
  public Handler<HttpServerRequest> invalidRequestHandler() {
    return request -> {
      Throwable cause = request.decoderResult().cause();
      String name = cause == null ? "" : cause.getClass().getSimpleName();
      int status;
      String reason;
      if (name.equals("TooLongHttpLineException")) {
        status = 414;
        reason = "request_line_too_long";
      } else if (name.equals("TooLongHttpHeaderException")) {
        status = 431;
        reason = "headers_too_large";
      } else {
        status = 400;
        reason = "bad_request";
      }
      rejections.count(reason);
      if (request.version() == HttpVersion.HTTP_2) {
        HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
        return;
      }
      HttpServerResponse response = request.response();
      response
          .setStatusCode(status)
          .putHeader("Connection", "close")
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader(StrataHeaders.X_CACHE, StrataHeaders.ERROR)
          .end(
              status == 414
                  ? "The request line is too long.\n"
                  : status == 431
                      ? "The request headers are too large.\n"
                      : "The request is malformed.\n")
          .onComplete(done -> request.connection().close());
    };
  }

  /** Open viewer connections right now. */
  public int openConnections() {
    return open.get();
  }
}
