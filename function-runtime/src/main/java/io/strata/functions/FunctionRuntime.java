package io.strata.functions;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.time.Clock;
import io.strata.functions.bundle.BundleStore;
import io.strata.functions.env.Launcher;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.env.Scheduler;
import io.strata.functions.invoke.AsyncInvoker;
import io.strata.functions.invoke.Auth;
import io.strata.functions.invoke.FunctionApi;
import io.strata.functions.model.FunctionRegistry;
import io.strata.functions.schedule.Schedules;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The function runtime as one unit: registry, bundle store, scheduler, async invoker and the
 * Lambda-compatible API server (9300 by default).
 */
public final class FunctionRuntime implements AutoCloseable {
  private final HttpServer server;
  private final Scheduler scheduler;
  private final FunctionRegistry registry;

  private final Schedules schedules;
  private final long ticker;
  private final Vertx vertx;
  private final BundleStore bundles;
  private final FunctionApi api;
  private final MeterRegistry meters;
  private volatile io.strata.functions.control.ControlPlaneFollower follower;

  private FunctionRuntime(
      HttpServer server,
      Scheduler scheduler,
      FunctionRegistry registry,
      Schedules schedules,
      long ticker,
      Vertx vertx,
      BundleStore bundles,
      FunctionApi api,
      MeterRegistry meters) {
    this.meters = meters;
    this.bundles = bundles;
    this.api = api;
    this.server = server;
    this.scheduler = scheduler;
    this.registry = registry;
    this.schedules = schedules;
    this.ticker = ticker;
    this.vertx = vertx;
  }

  public Schedules schedules() {
    return schedules;
  }

  /**
   * Starts the API on {@code host:port} (0 = ephemeral).
   *
   * @param retryDelays delays before the async retries (Lambda: 1 and 2 minutes)
   */
  public static Future<FunctionRuntime> start(
      Vertx vertx,
      String host,
      int port,
      RuntimeSettings settings,
      Auth auth,
      MeterRegistry meters,
      Clock clock,
      List<Duration> retryDelays) {
    if (auth.allowUnsigned() && !isLoopback(host)) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "unsigned invocations are allowed only on loopback, not on " + host));
    }
    return vertx
        .executeBlocking(
            () -> new Stores(new BundleStore(settings.dataDir()), new Launcher(settings)), false)
        .compose(
            stores -> {
              BundleStore bundles = stores.bundles();
              FunctionRegistry registry =
                  new FunctionRegistry(() -> ThreadLocalRandom.current().nextDouble());
              Scheduler scheduler =
                  new Scheduler(vertx, settings, stores.launcher(), clock, meters);
              AsyncInvoker async = new AsyncInvoker(vertx, registry, scheduler, clock, retryDelays);
              Schedules schedules = new Schedules(registry, scheduler, settings, clock);
              long ticker = vertx.setPeriodic(1000, t -> schedules.tick());
              FunctionApi api =
                  new FunctionApi(
                      vertx, registry, bundles, scheduler, async, settings, auth, clock, schedules);
              return vertx
                  .createHttpServer(
                      new HttpServerOptions().setTcpNoDelay(true).setMaxFormAttributeSize(-1))
                  .requestHandler(api::handle)
                  .listen(port, host)
                  .map(
                      s ->
                          new FunctionRuntime(
                              s, scheduler, registry, schedules, ticker, vertx, bundles, api,
                              meters))
                  .compose(r -> r.stopWithVertx(vertx))
                  .onFailure(
                      e -> {
                        vertx.cancelTimer(ticker);
                        scheduler.close();
                      });
            });
  }

  public static Future<FunctionRuntime> start(
      Vertx vertx,
      String host,
      int port,
      RuntimeSettings settings,
      Auth auth,
      MeterRegistry meters) {
    return start(
        vertx,
        host,
        port,
        settings,
        auth,
        meters,
        Clock.SYSTEM,
        List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)));
  }

  /**
   * Child processes outlive the JVM unless stopped: a small verticle stops every environment when
   * Vert.x closes, and a shutdown hook does when the JVM exits first (Ctrl-C).
   */
  private Future<FunctionRuntime> stopWithVertx(Vertx vertx) {
    Thread hook = new Thread(scheduler::close, "strata-functions-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return vertx
        .deployVerticle(
            new VerticleBase() {
              @Override
              public Future<?> stop() {
                close();
                try {
                  Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                  // The JVM is already shutting down: the hook runs anyway.
                }
                return Future.succeededFuture();
              }
            })
        .map(id -> this);
  }

  /** What start-up makes on a worker thread: both create directories and extract files. */
  private record Stores(BundleStore bundles, Launcher launcher) {}

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public int port() {
    return server.actualPort();
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Makes the control plane at {@code url} the source of the functions, versions, aliases,
   * schedules and access keys (see {@link io.strata.functions.control.ControlPlaneFollower}); the
   * Lambda management calls on this runtime are refused from then on.
   *
   * @param token a {@code node}-role token of the control plane
   * @param stateFile where the last applied state is kept across restarts
   */
  public io.strata.functions.control.ControlPlaneFollower followControlPlane(
      java.net.URI url, String token, java.nio.file.Path stateFile) {
    var f =
        new io.strata.functions.control.ControlPlaneFollower(
            url, token, stateFile, registry, bundles, scheduler, schedules, api);
    api.managedBy(url.toString());
    io.micrometer.core.instrument.Gauge.builder(
            "strata.function.control.applied.version", f, x -> x.appliedVersion())
        .description("The control plane's function state version this runtime applied")
        .register(meters);
    follower = f;
    f.start();
    return f;
  }

  /** The control plane follower, or null when this runtime manages its own functions. */
  public io.strata.functions.control.ControlPlaneFollower follower() {
    return follower;
  }

  /** The content-addressed code bundles (blocking: call from a worker). */
  public BundleStore bundles() {
    return bundles;
  }

  public FunctionRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (follower != null) {
      follower.stop();
    }
    vertx.cancelTimer(ticker);
    scheduler.close();
    server.close();
  }
}
