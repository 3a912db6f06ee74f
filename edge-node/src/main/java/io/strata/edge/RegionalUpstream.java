package io.strata.edge;

import io.strata.core.config.HealthCheck;
import io.strata.core.time.Clock;
import io.strata.core.upstream.HealthChecker;
import io.strata.core.upstream.HostHealth;
import io.strata.core.upstream.ReadTimeoutClients;
import io.strata.core.upstream.RetryBudget;
import io.strata.core.upstream.Upstream;
import io.strata.core.upstream.UpstreamFailure;
import io.strata.core.upstream.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sends an edge's upstream requests to the regional tier. The cache key's consistent hash picks the
 * regional node, so each object is filled once for all edges. A node that refuses a connection is
 * skipped for {@code downMillis} and the request goes to the next node on the ring; a retryable
 * request that failed later is tried once more on the next node. When no regional node can be
 * reached, the request goes to the origin directly through {@code direct}.
 *
 * <p>Each node's {@link HostHealth} also decides: active checks (a GET of the check path with a
 * {@code Host} no distribution has, answered by a live regional node with {@code 421}) take a node
 * whose checks fail out of the ring until it passes them again, and passive outlier detection
 * ejects a node after consecutive timeouts or resets. A node's {@code 5xx} answers are not held
 * against it: they are usually the origin's. The retry on another node comes out of a {@link
 * RetryBudget}, so retries cannot multiply an outage.
 */
public final class RegionalUpstream implements Upstream {
  private static final System.Logger LOG = System.getLogger(RegionalUpstream.class.getName());

  /** How long the regional tier may take beyond the origin's own read timeout. */
  private static final int READ_TIMEOUT_MARGIN_MS = 5_000;

  private final ReadTimeoutClients clients;
  private final List<URI> nodes;
  private final ConsistentHashRing ring;
  private final AtomicLongArray downUntil;
  private final Upstream direct;
  private final Clock clock;
  private final long downMillis;
  private final int connectTimeoutMs;
  private final HostHealth[] health;
  private final HealthChecker checker;
  private final RetryBudget budget;

  /** The {@code Host} of a health check: no distribution answers for it. */
  static final String CHECK_HOST = "strata-health-check.invalid";

  public RegionalUpstream(
      List<URI> nodes,
      Upstream direct,
      Clock clock,
      long downMillis,
      int connectTimeoutMs,
      HealthChecker checker,
      HealthCheck checks,
      RetryBudget budget,
      ReadTimeoutClients clients) {
    this.nodes = List.copyOf(nodes);
    this.ring = new ConsistentHashRing(this.nodes.stream().map(URI::toString).toList());
    this.downUntil = new AtomicLongArray(this.nodes.size());
    this.direct = direct;
    this.clock = clock;
    this.downMillis = downMillis;
    this.connectTimeoutMs = connectTimeoutMs;
    this.checker = checker;
    this.budget = budget;
    this.clients = clients;
    this.health = new HostHealth[this.nodes.size()];
    for (int i = 0; i < health.length; i++) {
      // Any answer below 500 shows a live node (421 for the unknown check host).
      health[i] =
          checker.track("regional", this.nodes.get(i), CHECK_HOST, checks, s -> s < 500, false);
    }
  }

  @Override
  public void close() {
    checker.close();
    direct.close();
  }

  @Override
  public Future<HttpClientResponse> send(UpstreamRequest request) {
    budget.recordRequest();
    return attempt(request, ring.preference(request.affinity()), 0, false);
  }

  private Future<HttpClientResponse> attempt(
      UpstreamRequest request, int[] order, int from, boolean retried) {
    int index = nextLive(order, from);
    if (index < 0) {
      return direct.send(request);
    }
    int node = order[index];
    return sendTo(node, request)
        .andThen(
            ar -> {
              if (ar.succeeded()) {
                health[node].requestSucceeded();
              } else if (health[node].requestFailed(clock.millis())) {
                checker.ejected("regional", health[node], ar.cause(), 0);
              }
            })
        .recover(
            err -> {
              UpstreamFailure failure = UpstreamFailure.of(err);
              if (failure.beforeRequestSent()) {
                markDown(node, err);
                return attempt(request, order, index + 1, retried);
              }
              if (request.retryable() && !retried && budget.tryRetry()) {
                return attempt(request, order, index + 1, true);
              }
              return Future.failedFuture(err);
            });
  }

  /** The first position at or after {@code from} whose node is not marked down; -1 when none. */
  private int nextLive(int[] order, int from) {
    long now = clock.millis();
    for (int i = from; i < order.length; i++) {
      if (downUntil.get(order[i]) <= now && health[order[i]].available(now)) {
        return i;
      }
    }
    return -1;
  }

  private void markDown(int node, Throwable err) {
    long until = clock.millis() + downMillis;
    if (downUntil.getAndSet(node, until) <= clock.millis()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "regional node {0} unreachable ({1}); skipping it for {2} ms",
          nodes.get(node),
          String.valueOf(err.getMessage()),
          downMillis);
    }
  }

  private Future<HttpClientResponse> sendTo(int node, UpstreamRequest request) {
    URI target = nodes.get(node);
    int port =
        target.getPort() > 0 ? target.getPort() : ("https".equals(target.getScheme()) ? 443 : 80);
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setServer(SocketAddress.inetSocketAddress(port, target.getHost()))
            .setSsl("https".equals(target.getScheme()))
            .setURI(request.pathAndQuery())
            .setConnectTimeout(connectTimeoutMs)
            .setIdleTimeout(request.route().origin().readTimeoutMs() + READ_TIMEOUT_MARGIN_MS)
            .setHeaders(request.headers())
            // The regional node routes by the viewer's host, exactly as the edge did.
            .putHeader("Host", request.viewerHost());
    // A regional node that stalls mid-body is cut like an origin would be (see ReadTimeoutClients).
    HttpClient exchange =
        clients.forReadTimeout(request.route().origin().readTimeoutMs() + READ_TIMEOUT_MARGIN_MS);
    return exchange.request(options).compose(request::sendOn);
  }
}
