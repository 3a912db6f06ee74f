package io.strata.core.viewer;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
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

  /** For {@code HttpServer.invalidRequestHandler}: counts, then answers as Vert.x does. */
  public Handler<HttpServerRequest> invalidRequestHandler() {
    return request -> {
      Throwable cause = request.decoderResult().cause();
      String name = cause == null ? "" : cause.getClass().getSimpleName();
      rejections.count(
          name.equals("TooLongHttpLineException")
              ? "request_line_too_long"
              : name.equals("TooLongHttpHeaderException") ? "headers_too_large" : "bad_request");
      HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
    };
  }

  /** Open viewer connections right now. */
  public int openConnections() {
    return open.get();
  }
}
