package io.strata.core.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.config.Origin;
import io.strata.core.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends requests to one origin: target {@code origin.url} plus the path, {@code Host} set to the
 * origin's host (as CloudFront does by default), the origin's connect and read timeouts. Around
 * each exchange: {@link AdmissionControl} (a slot per origin, or a shed), the origin's {@link
 * HostHealth} (passive outlier detection, active checks when configured) and, for a {@link
 * UpstreamRequest#retryable()} request that got no response, one retry after a jittered backoff
 * when the {@link RetryBudget} allows it. A shed request is never retried. {@link
 * OriginGroupUpstream} decides which origin a request goes to.
 */
public final class OriginUpstream implements Upstream {
  /** Retries of one request at most (the second attempt). */
  static final int MAX_RETRIES = 1;

  private final Vertx vertx;
  private final HttpClient client;
  private final ReadTimeoutClients clients;
  private final Clock clock;
  private final AdmissionControl admission;
  private final HealthChecker health;
  private final RetryBudget budget;
  private final Backoff backoff;
  private final Counter retries;
  private final Counter retriesDenied;

  /**
   * @param clients the clients exchanges go through, by the origin's read timeout
   * @param client the client of health checks
   */
  public OriginUpstream(
      Vertx vertx,
      ReadTimeoutClients clients,
      HttpClient client,
      Clock clock,
      AdmissionControl admission,
      HealthChecker health,
      RetryBudget budget,
      Backoff backoff,
      MeterRegistry registry,
      String role,
      String nodeId) {
    this.vertx = vertx;
    this.clients = clients;
    this.client = client;
    this.clock = clock;
    this.admission = admission;
    this.health = health;
    this.budget = budget;
    this.backoff = backoff;
    this.retries =
        Counter.builder("strata.upstream.retries")
            .description("Upstream requests sent again after a failure")
            .tags("role", role, "node", nodeId)
            .register(registry);
    this.retriesDenied =
        Counter.builder("strata.upstream.retries.denied")
            .description("Retries not made because the retry budget was spent")
            .tags("role", role, "node", nodeId)
            .register(registry);
  }

  /**
   * A plain sender without admission control or health tracking, retrying once without a budget
   * (for tools and tests that need no more). Must be used on a Vert.x context.
   */
  @Override
  public void close() {
    if (health != null) {
      health.close();
    }
  }

  public OriginUpstream(HttpClient client) {
    this.vertx = null;
    this.clients = null;
    this.client = client;
    this.clock = Clock.SYSTEM;
    this.admission = null;
    this.health = null;
    this.budget = new RetryBudget(Clock.SYSTEM, 1.0, 0);
    this.backoff = Backoff.STANDARD;
    this.retries = null;
    this.retriesDenied = null;
  }

  /** Sends to the origin of the request's route. */
  @Override
  public Future<HttpClientResponse> send(UpstreamRequest request) {
    return send(request, request.route().origin(), true);
  }

  /**
   * Sends to {@code origin}.
   *
   * @param mayRetry whether a failed attempt may be retried (an origin group's primary is not: the
   *     secondary is its retry)
   */
  Future<HttpClientResponse> send(UpstreamRequest request, Origin origin, boolean mayRetry) {
    budget.recordRequest();
    Future<HttpClientResponse> first = attempt(request, origin);
    if (!mayRetry || !request.retryable()) {
      return first;
    }
    return first.recover(
        err -> {
          if (UpstreamFailure.of(err) == UpstreamFailure.OVERLOADED) {
            return Future.failedFuture(err);
          }
          if (!budget.tryRetry()) {
            if (retriesDenied != null) {
              retriesDenied.increment();
            }
            return Future.failedFuture(err);
          }
          if (retries != null) {
            retries.increment();
          }
          long delay =
              backoff.delayMillis(MAX_RETRIES, b -> ThreadLocalRandom.current().nextLong(b));
          Promise<HttpClientResponse> retried = Promise.promise();
          Vertx timers = vertx != null ? vertx : Vertx.currentContext().owner();
          timers.setTimer(delay, t -> attempt(request, origin).onComplete(retried));
          return retried.future();
        });
  }

  /** Whether {@code origin} takes requests now (always, without health tracking). */
  boolean available(Origin origin) {
    return health == null || health(origin).available(clock.millis());
  }

  /** The origin's health, tracked (and actively checked when configured) from now on. */
  HostHealth health(Origin origin) {
    return health.track(
        "origin",
        URI.create(origin.scheme() + "://" + origin.url().getRawAuthority() + origin.pathPrefix()),
        origin.url().getRawAuthority(),
        origin.healthCheck(),
        status -> status >= 200 && status < 400);
  }

  private Future<HttpClientResponse> attempt(UpstreamRequest request, Origin origin) {
    HostHealth host = health == null ? null : health(origin);
    Future<Runnable> slot =
        admission == null
            ? Future.succeededFuture(() -> {})
            : admission.acquire(host.name(), origin.limits());
    return slot.compose(
        release -> {
          RequestOptions options =
              new RequestOptions()
                  .setMethod(request.method())
                  .setServer(SocketAddress.inetSocketAddress(origin.port(), origin.host()))
                  .setHost(origin.host())
                  .setPort(origin.port())
                  .setSsl(origin.tls())
                  .setURI(origin.pathPrefix() + request.pathAndQuery())
                  .setConnectTimeout(origin.connectTimeoutMs())
                  .setIdleTimeout(origin.readTimeoutMs())
                  .setHeaders(request.headers());
          HttpClient exchange =
              clients == null ? client : clients.forReadTimeout(origin.readTimeoutMs());
          return exchange
              .request(options)
              .compose(request::sendOn)
              .andThen(
                  ar -> {
                    if (ar.failed()) {
                      release.run();
                      failed(host, ar.cause(), 0);
                      return;
                    }
                    HttpClientResponse response = ar.result();
                    // The slot is held while the body streams: a slow body is load too.
                    response.end().onComplete(done -> release.run());
                    if (host == null) {
                      return;
                    }
                    if (response.statusCode() >= 500) {
                      failed(host, null, response.statusCode());
                    } else {
                      host.requestSucceeded();
                    }
                  });
        });
  }

  private void failed(HostHealth host, Throwable cause, int status) {
    if (host != null && host.requestFailed(clock.millis())) {
      health.ejected("origin", host, cause, status);
    }
  }
}
