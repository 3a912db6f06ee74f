package io.strata.core.viewer;

import io.strata.core.proxy.StrataHeaders;
import io.strata.core.server.ConnectionLimits;
import io.strata.core.server.netty.ConnectionPolicy;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Listener-level protection shared by the edge's HTTP and HTTPS listeners. Below the HTTP server
 * (see {@code io.strata.core.server.netty}), from TCP accept on: the caps on open viewer
 * connections, in all and per client address, and the counting of connection-level refusals
 * (request-head deadline, write stall, request framing). In the HTTP server: counting of requests
 * the HTTP decoder refused (request line over 8,192 bytes → 414, header block over 20,480 bytes →
 * 431, malformed → 400), which Vert.x answers itself.
 */
public final class ConnectionGuard implements ConnectionPolicy {
  private final ConnectionLimits limits;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private final ViewerPipeline.Rejections rejections;
  private volatile io.strata.core.server.netty.HitFastPath hitFastPath;

  ConnectionGuard(ConnectionLimits limits, ViewerPipeline.Rejections rejections) {
    this.limits = limits;
    this.rejections = rejections;
  }

  @Override
  public ConnectionLimits limits() {
    return limits;
  }

  @Override
  public io.strata.core.server.netty.HitFastPath hitFastPath() {
    return hitFastPath;
  }

  /** Sets what answers plain hits below the HTTP server on connections accepted from now on. */
  public void hitFastPath(io.strata.core.server.netty.HitFastPath fastPath) {
    this.hitFastPath = fastPath;
  }

  @Override
  public String admit(InetAddress address) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      return "max_connections";
    }
    if (limits.maxConnectionsPerIp() > 0 && address != null) {
      Integer mine = perAddress.merge(address, 1, Integer::sum);
      if (mine > limits.maxConnectionsPerIp()) {
        releaseAddress(address);
        open.decrementAndGet();
        return "max_connections_per_ip";
      }
    }
    return null;
  }

  @Override
  public void release(InetAddress address) {
    open.decrementAndGet();
    if (limits.maxConnectionsPerIp() > 0 && address != null) {
      releaseAddress(address);
    }
  }

  private void releaseAddress(InetAddress address) {
    // Atomic per address; the entry goes with the address's last connection.
    perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  @Override
  public void reject(String reason) {
    rejections.count(reason);
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

  /** Open viewer connections right now, counted from TCP accept. */
  public int openConnections() {
    return open.get();
  }
}
