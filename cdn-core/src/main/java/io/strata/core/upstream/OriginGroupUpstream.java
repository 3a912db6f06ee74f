package io.strata.core.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.config.Distribution;
import io.strata.core.config.Origin;
import io.strata.core.config.OriginGroup;
import io.strata.core.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;

/**
 * The origin-facing upstream of a node: a behavior naming a single origin goes to it through {@link
 * OriginUpstream}; a behavior naming an {@link OriginGroup} fails over as CloudFront does. A GET,
 * HEAD or OPTIONS request without a body goes to the primary, and to the secondary when the primary
 * refuses the connection, times out, resets before answering, sheds it, or answers one of the
 * group's failover statuses (that answer is discarded). Every request tries the primary first
 * unless health checks or outlier detection have taken it out while the secondary is available, so
 * traffic returns to the primary as soon as it recovers. Other methods go to the primary only.
 */
public final class OriginGroupUpstream implements Upstream {
  private static final System.Logger LOG = System.getLogger(OriginGroupUpstream.class.getName());

  private final OriginUpstream origins;
  private final Counter failovers;

  public OriginGroupUpstream(
      OriginUpstream origins, MeterRegistry registry, String role, String nodeId) {
    this.origins = origins;
    this.failovers =
        Counter.builder("strata.upstream.failovers")
            .description("Requests sent to an origin group's secondary origin")
            .tags("role", role, "node", nodeId)
            .register(registry);
  }

  /**
   * The standard origin-facing upstream of a node: admission control with each origin's limits,
   * health checks, a retry budget of 20 % with jittered backoff, origin-group failover.
   *
   * @param clientOptions, poolOptions how to build the clients of origin exchanges (one per read
   *     timeout, see {@link ReadTimeoutClients})
   * @param client the client of health checks
   */
  public static OriginGroupUpstream create(
      Vertx vertx,
      HttpClientOptions clientOptions,
      PoolOptions poolOptions,
      HttpClient client,
      Clock clock,
      MeterRegistry registry,
      String role,
      String nodeId) {
    OriginUpstream origins =
        new OriginUpstream(
            vertx,
            new ReadTimeoutClients(vertx, clientOptions, poolOptions),
            client,
            clock,
            new AdmissionControl(vertx, registry, role, nodeId),
            new HealthChecker(vertx, client, clock, registry, role, nodeId),
            RetryBudget.standard(clock),
            Backoff.STANDARD,
            registry,
            role,
            nodeId);
    return new OriginGroupUpstream(origins, registry, role, nodeId);
  }

  @Override
  public void close() {
    origins.close();
  }

  @Override
  public Future<HttpClientResponse> send(UpstreamRequest request) {
    Distribution distribution = request.route().distribution();
    OriginGroup group = distribution.originGroup(request.route().behavior().origin());
    if (group == null) {
      return origins.send(request);
    }
    Origin primary = distribution.origin(group.primary());
    if (!request.retryable()) {
      return origins.send(request, primary, false);
    }
    Origin secondary = distribution.origin(group.secondary());
    if (!origins.available(primary) && origins.available(secondary)) {
      failovers.increment();
      return origins.send(request, secondary, true);
    }
    return origins
        .send(request, primary, false)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                HttpClientResponse response = ar.result();
                if (!group.failsOverOn(response.statusCode())) {
                  return Future.succeededFuture(response);
                }
                // Discard the primary's answer; reading it to the end frees its connection.
                response.handler(b -> {}).resume();
                return failover(request, group, secondary, "status " + response.statusCode());
              }
              return failover(request, group, secondary, ar.cause().toString());
            });
  }

  private Future<HttpClientResponse> failover(
      UpstreamRequest request, OriginGroup group, Origin secondary, String why) {
    failovers.increment();
    LOG.log(
        System.Logger.Level.DEBUG,
        "origin group {0}: {1} {2} goes to {3} ({4})",
        group.id(),
        request.method(),
        request.pathAndQuery(),
        secondary.id(),
        why);
    return origins.send(request, secondary, true);
  }
}
