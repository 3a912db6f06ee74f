package io.strata.core.server;

import io.strata.core.server.netty.StrataTransport;
import io.strata.core.viewer.ConnectionGuard;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.ServerSSLOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler served on one port by {@link ListenOptions#eventLoops()} server instances, one per
 * event loop, which Vert.x balances connections across. {@link #close()} stops accepting and closes
 * them.
 */
public final class HttpListener {
  private static final AtomicInteger RANDOM_PORT_IDS = new AtomicInteger();
  private final Vertx vertx;
  private final String deploymentId;
  private final int port;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final List<HttpServer> servers;
  private final Runnable unguard;

  private HttpListener(
      Vertx vertx, String deploymentId, int port, List<HttpServer> servers, Runnable unguard) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.port = port;
    this.servers = servers;
    this.unguard = unguard;
  }

  /**
   * Viewer-facing limits shared by both tiers: request line and header block sizes, idle timeout.
   */
  public static HttpServerOptions defaultServerOptions(ListenOptions listen) {
    return new HttpServerOptions()
        .setHost(listen.host())
        .setPort(listen.port())
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(20480)
        .setIdleTimeout(60)
        .setTcpNoDelay(true)
        .setReuseAddress(true);
  }

  public static Future<HttpListener> start(
      Vertx vertx,
      ListenOptions listen,
      HttpServerOptions options,
      Handler<HttpServerRequest> handler) {
    return start(vertx, listen, options, handler, null);
  }

  /**
   * As above, with a guard: connection caps, request-head deadline, write-stall timeout and
   * request-framing checks from TCP accept on (see {@code io.strata.core.server.netty}), HTTP/2
   * limits, and counting of requests the decoder refused.
   *
   * @param guard the guard, or {@code null} for none
   * @return fails with a guard when {@code vertx} was not made by {@link StrataVertx}, or when the
   *     options have no idle timeout (the guard places its response counter behind Vert.x's idle
   *     handler, ahead of the HTTP codec)
   */
  public static Future<HttpListener> start(
      Vertx vertx,
      ListenOptions listen,
      HttpServerOptions options,
      Handler<HttpServerRequest> handler,
      ConnectionGuard guard) {
    // Port 0 becomes a negative number unique to this listener: Vert.x binds one random port and
    // shares
    // it between the server instances that asked for the same negative number, and only those.
    int requested = listen.port() == 0 ? RANDOM_PORT_IDS.decrementAndGet() : listen.port();
    AtomicInteger boundPort = new AtomicInteger(listen.port());
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    HttpServerOptions serverOptions = new HttpServerOptions(options).setPort(requested);
    Runnable unguard = () -> {};
    if (guard != null) {
      StrataTransport transport = StrataTransport.of(vertx);
      if (transport == null) {
        return Future.failedFuture(
            new IllegalStateException(
                "a viewer listener needs a Vertx made by StrataVertx.create (connection guard)"));
      }
      if (serverOptions.getIdleTimeout() <= 0) {
        return Future.failedFuture(
            new IllegalArgumentException(
                "idleTimeout: "
                    + serverOptions.getIdleTimeout()
                    + " (expected: > 0 with a guard)"));
      }
      applyHttp2Limits(serverOptions, guard.limits());
      unguard = transport.register(serverOptions.getHost(), requested, guard);
    }
    Runnable release = unguard;
    return vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    HttpServer server =
                        vertx
                            .createHttpServer(new HttpServerOptions(serverOptions))
                            .requestHandler(handler);
                    if (guard != null) {
                      server.invalidRequestHandler(guard.invalidRequestHandler());
                    }
                    servers.add(server);
                    return server.listen().onSuccess(bound -> boundPort.set(bound.actualPort()));
                  }
                },
            new DeploymentOptions().setInstances(listen.eventLoops()))
        .map(id -> new HttpListener(vertx, id, boundPort.get(), List.copyOf(servers), release))
        .onFailure(err -> release.run());
  }

  /** HTTP/2 limits: concurrent streams, header list size (CONTINUATION included), rapid reset. */
  private static void applyHttp2Limits(HttpServerOptions options, ConnectionLimits limits) {
    options
        .setInitialSettings(
            new Http2Settings()
                .setMaxConcurrentStreams(limits.http2MaxConcurrentStreams())
                .setMaxHeaderListSize(limits.http2MaxHeaderListSize()))
        .setHttp2RstFloodMaxRstFramePerWindow(limits.http2MaxResetsPerWindow())
        .setHttp2RstFloodWindowDuration(limits.http2ResetWindowSeconds())
        .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
  }

  /**
   * Replaces the TLS options (certificates) of every server instance; new connections use them,
   * open ones keep theirs.
   */
  public Future<Void> updateSsl(ServerSSLOptions options) {
    List<Future<Boolean>> updates = new ArrayList<>();
    for (HttpServer server : servers) {
      updates.add(server.updateSSLOptions(options, true));
    }
    return Future.all(updates).mapEmpty();
  }

  public int port() {
    return port;
  }

  /** Stops listening; calling it again does nothing. */
  public Future<Void> close() {
    return closed.compareAndSet(false, true)
        ? vertx.undeploy(deploymentId).onComplete(done -> unguard.run())
        : Future.succeededFuture();
  }
}
