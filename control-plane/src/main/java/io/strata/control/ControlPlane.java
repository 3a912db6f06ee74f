package io.strata.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control plane: the admin API under {@code /v1}, the store behind it, and the config stream
 * edge and regional nodes follow. Start it with {@link #start}; it listens until {@link #close}.
 *
 * <p>Requests are handled on one event loop; every database call runs on a small worker pool, so
 * the loop never blocks. After each committed change the new snapshot is published in memory and
 * every node waiting on the stream is answered at once.
 */
public final class ControlPlane {
  private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());
  private static final int MAX_BODY_BYTES = 1 << 20;

  /** The latest committed configuration: its version and the document nodes apply. */
  record Published(long version, JsonObject document) {}

  private final Vertx vertx;
  private final ControlPlaneOptions options;
  private final Clock clock;
  private final Store store;
  private final WorkerExecutor workers;
  private final Tokens tokens = new Tokens();
  private final AuthThrottle authThrottle;
  private final Nodes nodes;
  private final Resources resources;
  private final Invalidations invalidations;
  private final Prewarmer prewarmer;
  private final AtomicReference<Published> published = new AtomicReference<>();
  private final List<Promise<Void>> waiters = new ArrayList<>();
  private final List<ApiRoute> routes;
  private final MeterRegistry registry;
  private HttpServer server;
  private String generatedAdminToken;
  private final String localNodeToken;

  private ControlPlane(
      Vertx vertx, ControlPlaneOptions options, Store store, MeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.options = options;
    this.clock = options.clock();
    this.store = store;
    this.workers = vertx.createSharedWorkerExecutor("strata-control-plane-store", 4);
    this.nodes = new Nodes(clock, options.nodeDownAfterMillis());
    this.resources = new Resources(clock);
    this.invalidations =
        new Invalidations(
            clock, nodes, options.maxPathsInProgress(), options.maxWildcardPathsInProgress());
    this.prewarmer = new Prewarmer(vertx, this::blocking, nodes, options.prewarmConcurrency());
    this.routes = new AdminRoutes(this).routes();
    this.authThrottle = new AuthThrottle(clock, registry);
    this.localNodeToken = tokens.createEphemeral(Tokens.Role.NODE, "local-nodes");
    Gauge.builder("strata.control.config.version", published, p -> p.get().version())
        .description("The published configuration version")
        .register(registry);
    Gauge.builder("strata.control.stream.waiting", waiters, List::size)
        .description("Node long-polls held open")
        .register(registry);
  }

  /**
   * Opens the store (creating or migrating its schema), makes sure an admin token exists, and
   * starts listening.
   */
  public static Future<ControlPlane> start(Vertx vertx, ControlPlaneOptions options) {
    return start(vertx, options, new SimpleMeterRegistry());
  }

  /**
   * Like {@link #start(Vertx, ControlPlaneOptions)}, recording meters ({@code strata.control.*}) in
   * {@code registry}.
   */
  public static Future<ControlPlane> start(
      Vertx vertx, ControlPlaneOptions options, MeterRegistry registry) {
    return vertx
        .<Store>executeBlocking(
            () -> {
              java.nio.file.Files.createDirectories(options.dataDir());
              return Store.open(
                  options.effectiveJdbcUrl(), options.jdbcUser(), options.jdbcPassword(), 4);
            },
            false)
        .compose(
            s -> {
              ControlPlane cp = new ControlPlane(vertx, options, s, registry);
              return cp.init().compose(v -> cp.listen()).map(cp).onFailure(e -> s.close());
            });
  }

  private Future<Void> init() {
    return blocking(
        c -> {
          tokens.load(c);
          String wanted = options.adminToken();
          if (wanted != null && !wanted.isBlank()) {
            if (tokens.authenticate(wanted) == null) {
              tokens.create(c, Tokens.Role.ADMIN, "STRATA_ADMIN_TOKEN", wanted, clock.millis());
            }
          } else if (tokens.isEmpty()) {
            generatedAdminToken =
                tokens
                    .create(c, Tokens.Role.ADMIN, "initial admin token", null, clock.millis())
                    .secret();
          }
          c.commit();
          tokens.load(c);
          Prewarmer.markInterrupted(c);
          long version = Store.configVersion(c);
          published.set(new Published(version, new Snapshot(Resources.all(c)).document()));
          return null;
        });
  }

  private Future<Void> listen() {
    HttpServerOptions serverOptions =
        new HttpServerOptions()
            .setHost(options.host())
            .setPort(options.port())
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(16384)
            .setIdleTimeout((int) (options.pollTimeoutMillis() / 1000) + 60);
    if (options.tlsCertPem() != null) {
      serverOptions
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(options.tlsCertPem().toString())
                  .setKeyPath(options.tlsKeyPem().toString()));
    }
    return vertx
        .createHttpServer(serverOptions)
        .requestHandler(this::handle)
        .listen()
        .map(
            s -> {
              server = s;
              LOG.log(
                  System.Logger.Level.INFO,
                  "control plane listening on {0}:{1,number,#} (store {2})",
                  options.host(),
                  s.actualPort(),
                  store.url());
              return null;
            });
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** Whether the admin listener uses TLS. */
  public boolean tls() {
    return options.tlsCertPem() != null;
  }

  /**
   * The admin token generated at this start because the store had none and none was configured, to
   * be printed once; null otherwise. It is never stored in clear and cannot be read back.
   */
  public String generatedAdminToken() {
    return generatedAdminToken;
  }

  /**
   * A {@code node}-role token valid until this control plane stops and never stored, for edge and
   * regional nodes started in the same JVM ({@code strata up}).
   */
  public String localNodeToken() {
    return localNodeToken;
  }

  /** The current configuration version. */
  public long configVersion() {
    return published.get().version();
  }

  /**
   * Imports a configuration document ({@code distributions:}, {@code cachePolicies:}, ...): creates
   * or updates each resource, all in one transaction, and publishes the result.
   *
   * @return one line per resource, such as {@code created distributions/site}
   * @throws IllegalArgumentException (as the failed future) listing every problem when the document
   *     is refused; nothing is changed then
   */
  public Future<List<String>> importDocument(JsonObject document, String actor) {
    return this.<Importer.Result>blocking(c -> Importer.run(resources, c, document, actor))
        .map(
            result -> {
              if (result.snapshot() != null) {
                publish(result.version(), result.snapshot());
              }
              return result.lines();
            })
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof ApiError ? new IllegalArgumentException(e.getMessage(), e) : e));
  }

  /** Stops listening, fails pending long-polls, and closes the store. */
  public Future<Void> close() {
    prewarmer.stop();
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.eventually(
        () ->
            vertx
                .executeBlocking(
                    () -> {
                      store.close();
                      return null;
                    },
                    false)
                .<Void>mapEmpty()
                .eventually(workers::close));
  }

  // ---- plumbing shared by the route handlers

  /** Runs {@code work} in a transaction on a worker; completes on the caller's context. */
  <T> Future<T> blocking(Store.Work<T> work) {
    return workers.executeBlocking(() -> store.inTransaction(work), false);
  }

  Tokens tokens() {
    return tokens;
  }

  Nodes nodes() {
    return nodes;
  }

  Resources resources() {
    return resources;
  }

  Invalidations invalidations() {
    return invalidations;
  }

  Prewarmer prewarmer() {
    return prewarmer;
  }

  Clock clock() {
    return clock;
  }

  Vertx vertx() {
    return vertx;
  }

  ControlPlaneOptions options() {
    return options;
  }

  List<ApiRoute> routes() {
    return routes;
  }

  Published published() {
    return published.get();
  }

  /** Makes a committed change visible to nodes: answers every waiting long-poll. */
  void publish(long version, JsonObject document) {
    published.accumulateAndGet(
        new Published(version, document),
        (old, next) -> next.version() > old.version() ? next : old);
    List<Promise<Void>> woken;
    synchronized (waiters) {
      woken = new ArrayList<>(waiters);
      waiters.clear();
    }
    woken.forEach(Promise::tryComplete);
  }

  /** Completes when a version after {@code after} is published, or after the poll timeout. */
  Future<Boolean> awaitVersionAfter(long after) {
    if (published.get().version() != after) {
      return Future.succeededFuture(true);
    }
    Promise<Void> promise = Promise.promise();
    synchronized (waiters) {
      waiters.add(promise);
    }
    // A publish between the check above and the registration would be missed: check again.
    if (published.get().version() != after) {
      promise.tryComplete();
    }
    long timer = vertx.setTimer(options.pollTimeoutMillis(), t -> promise.tryFail("timeout"));
    return promise
        .future()
        .map(
            v -> {
              vertx.cancelTimer(timer);
              return true;
            })
        .otherwise(
            e -> {
              synchronized (waiters) {
                waiters.remove(promise);
              }
              return false;
            });
  }

  // ---- HTTP

  private void handle(HttpServerRequest request) {
    String path = request.path();
    List<String> segments =
        path.length() > 1 ? Arrays.asList(path.substring(1).split("/", -1)) : List.of();
    ApiRoute matched = null;
    Map<String, String> params = null;
    boolean pathKnown = false;
    for (ApiRoute route : routes) {
      Map<String, String> p = route.match(segments);
      if (p != null) {
        pathKnown = true;
        if (route.method().equals(request.method())) {
          matched = route;
          params = p;
          break;
        }
      }
    }
    if (matched == null) {
      request.resume();
      send(
          request,
          pathKnown
              ? new ApiError(
                  405, "MethodNotAllowed", request.method() + " is not allowed on " + path)
              : new ApiError(404, "NoSuchRoute", "no admin API route " + path));
      return;
    }
    Tokens.TokenInfo caller = null;
    if (matched.access() != ApiRoute.Access.PUBLIC) {
      String client =
          request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
      long retryAfter = authThrottle.retryAfterSeconds(client);
      if (retryAfter > 0) {
        request.response().putHeader("Retry-After", Long.toString(retryAfter));
        send(
            request,
            new ApiError(
                429,
                "TooManyRequests",
                "too many invalid tokens from this address; retry in " + retryAfter + " s"));
        return;
      }
      String auth = request.getHeader("Authorization");
      if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        send(
            request,
            new ApiError(401, "Unauthorized", "an Authorization: Bearer token is required"));
        return;
      }
      caller = tokens.authenticate(auth.substring(7).trim());
      if (caller == null) {
        // Logged by the throttle once per window and address, not once per guess.
        authThrottle.failed(client);
        send(request, new ApiError(401, "Unauthorized", "the bearer token is not valid"));
        return;
      }
      if (!allowed(matched.access(), caller.role())) {
        send(
            request,
            new ApiError(
                403,
                "Forbidden",
                "a " + caller.role().wire + " token may not " + request.method() + " " + path));
        return;
      }
    }
    ApiError badParam = PathParams.check(params);
    if (badParam != null) {
      send(request, badParam);
      return;
    }
    // Function code comes as a zip of up to 50 MB; every other body is small.
    int maxBody =
        matched.template().startsWith("/v1/functions") ? Functions.MAX_BODY_BYTES : MAX_BODY_BYTES;
    if (declaredLength(request) > maxBody) {
      // Refused before a byte of it is read; the connection is not kept for the rest of it.
      request.response().putHeader("Connection", "close");
      send(request, new ApiError(413, "PayloadTooLarge", "the body exceeds " + maxBody + " bytes"));
      return;
    }
    ApiRoute route = matched;
    request
        .response()
        .endHandler(
            v ->
                Counter.builder("strata.control.api.requests")
                    .description("Admin API calls by route and status class")
                    .tag("method", route.method().name())
                    .tag("route", route.template())
                    .tag("status", (request.response().getStatusCode() / 100) + "xx")
                    .register(registry)
                    .increment());
    Map<String, String> routeParams = params;
    Tokens.TokenInfo who = caller;
    Buffer body = Buffer.buffer();
    request.handler(
        chunk -> {
          if (body.length() + chunk.length() > maxBody) {
            request.pause();
            send(
                request,
                new ApiError(413, "PayloadTooLarge", "the body exceeds " + maxBody + " bytes"));
            request.connection().close();
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(
        v -> {
          if (request.response().ended()) {
            return;
          }
          Future<ApiReply> reply;
          try {
            reply = route.handler().handle(new ApiCall(request, routeParams, who, body));
          } catch (RuntimeException e) {
            reply = Future.failedFuture(e);
          }
          reply.onComplete(
              ar -> {
                if (ar.succeeded()) {
                  send(request, ar.result());
                } else {
                  send(request, ar.cause());
                }
              });
        });
  }

  /** The declared {@code Content-Length}, or -1 when absent or not a number. */
  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean allowed(ApiRoute.Access access, Tokens.Role role) {
    return switch (access) {
      case PUBLIC -> true;
      case READ -> role == Tokens.Role.ADMIN || role == Tokens.Role.READ_ONLY;
      case WRITE -> role == Tokens.Role.ADMIN;
      case NODE -> role == Tokens.Role.ADMIN || role == Tokens.Role.NODE;
    };
  }

  private static void send(HttpServerRequest request, ApiReply reply) {
    var response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(reply.status());
    if (reply.etag() != null) {
      response.putHeader("ETag", "\"" + reply.etag() + "\"");
    }
    if (reply.body() == null) {
      response.end();
    } else if (reply.body() instanceof Buffer bytes) {
      response.putHeader("Content-Type", "application/zip").end(bytes);
    } else {
      response.putHeader("Content-Type", "application/json");
      String text =
          reply.body() instanceof JsonObject o
              ? o.encodePrettily()
              : reply.body() instanceof JsonArray a ? a.encodePrettily() : reply.body().toString();
      response.end(text + "\n");
    }
  }

  private static void send(HttpServerRequest request, Throwable failure) {
    ApiError error;
    if (failure instanceof ApiError e) {
      error = e;
    } else {
      LOG.log(
          System.Logger.Level.ERROR,
          "admin API " + request.method() + " " + request.path() + " failed",
          failure);
      error =
          new ApiError(500, "InternalError", "the control plane failed: " + failure.getMessage());
    }
    // 401 and 429 are counted and logged once a window by AuthThrottle, not once per guess.
    if (error.status() >= 400
        && error.status() < 500
        && error.status() != 404
        && error.status() != 401
        && error.status() != 429) {
      LOG.log(
          System.Logger.Level.INFO,
          "admin API {0} {1}: {2} {3}",
          request.method(),
          request.path(),
          error.status(),
          error.getMessage());
    }
    send(request, new ApiReply(error.status(), error.toJson(), null));
  }
}
