package io.strata.core.server;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
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

  private HttpListener(Vertx vertx, String deploymentId, int port) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.port = port;
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
    // Port 0 becomes a negative number unique to this listener: Vert.x binds one random port and
    // shares
    // it between the server instances that asked for the same negative number, and only those.
    int requested = listen.port() == 0 ? RANDOM_PORT_IDS.decrementAndGet() : listen.port();
    AtomicInteger boundPort = new AtomicInteger(listen.port());
    return vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    return vertx
                        .createHttpServer(new HttpServerOptions(options).setPort(requested))
                        .requestHandler(handler)
                        .listen()
                        .onSuccess(server -> boundPort.set(server.actualPort()));
                  }
                },
            new DeploymentOptions().setInstances(listen.eventLoops()))
        .map(id -> new HttpListener(vertx, id, boundPort.get()));
  }

  public int port() {
    return port;
  }

  /** Stops listening; calling it again does nothing. */
  public Future<Void> close() {
    return closed.compareAndSet(false, true)
        ? vertx.undeploy(deploymentId)
        : Future.succeededFuture();
  }
}
