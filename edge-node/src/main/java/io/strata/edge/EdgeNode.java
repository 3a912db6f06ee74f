package io.strata.edge;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.config.HealthCheck;
import io.strata.core.functions.EdgeFunctionHooks;
import io.strata.core.functions.FunctionEndpoint;
import io.strata.core.proxy.TierSettings;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.ListenOptions;
import io.strata.core.time.Clock;
import io.strata.core.upstream.HealthChecker;
import io.strata.core.upstream.OriginGroupUpstream;
import io.strata.core.upstream.ReadTimeoutClients;
import io.strata.core.upstream.RetryBudget;
import io.strata.core.upstream.Upstream;
import io.strata.core.upstream.UpstreamClientOptions;
import io.strata.core.viewer.ErrorPages;
import io.strata.core.viewer.ViewerPipeline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.util.List;

/**
 * Starts the viewer-facing tier: a cache node whose upstream is the regional tier (or the origin,
 * without one).
 */
public final class EdgeNode {
  /** How long a regional node that refused a connection is left alone before it is tried again. */
  public static final long REGIONAL_DOWN_MILLIS = 5_000;

  /**
   * Health checks of the regional nodes by default: every 2 s, out after 2 failures, back after 2
   * successes; ejected for 5 s after 5 timeouts or resets in a row.
   */
  public static final HealthCheck REGIONAL_HEALTH_CHECK =
      new HealthCheck("/", 2_000, 1_000, 2, 2, 5, 5_000);

  private EdgeNode() {}

  /**
   * @param regionalNodes base URLs of the regional nodes; empty to go to the origins directly
   */
  public static Future<CacheNode> start(
      Vertx vertx,
      String nodeId,
      ListenOptions listen,
      long byteBudget,
      long maxObjectBytes,
      List<URI> regionalNodes,
      Router router,
      MeterRegistry registry,
      Clock clock) {
    return start(
        vertx,
        nodeId,
        listen,
        byteBudget,
        maxObjectBytes,
        regionalNodes,
        router,
        registry,
        clock,
        EdgeOptions.DEFAULT);
  }

  /**
   * Starts an edge with the viewer pipeline (protocol policy, methods, restrictions, rate limit,
   * signed URLs and cookies, custom error responses) and its options: an HTTPS listener beside the
   * plain-HTTP one when {@code options} has TLS settings, a connection cap, a country database.
   *
   * @param regionalNodes base URLs of the regional nodes; empty to go to the origins directly
   */
  public static Future<CacheNode> start(
      Vertx vertx,
      String nodeId,
      ListenOptions listen,
      long byteBudget,
      long maxObjectBytes,
      List<URI> regionalNodes,
      Router router,
      MeterRegistry registry,
      Clock clock,
      EdgeOptions options) {
    return start(
        vertx,
        nodeId,
        listen,
        byteBudget,
        maxObjectBytes,
        regionalNodes,
        router,
        registry,
        clock,
        options,
        REGIONAL_HEALTH_CHECK,
        null);
  }

  /**
   * The full form: the edge's regional nodes are checked with {@code regionalChecks} (see {@link
   * RegionalUpstream}); when this edge goes to an origin itself (no regional node reachable, or
   * none configured), the behaviors' Lambda@Edge origin functions run on the function runtime at
   * {@code functions} (null: none configured).
   */
  public static Future<CacheNode> start(
      Vertx vertx,
      String nodeId,
      ListenOptions listen,
      long byteBudget,
      long maxObjectBytes,
      List<URI> regionalNodes,
      Router router,
      MeterRegistry registry,
      Clock clock,
      EdgeOptions options,
      HealthCheck regionalChecks,
      FunctionEndpoint functions) {
    HttpClientOptions clientOptions = UpstreamClientOptions.http1(30);
    PoolOptions poolOptions = UpstreamClientOptions.pool();
    HttpClient client = vertx.httpClientBuilder().with(clientOptions).with(poolOptions).build();
    Upstream origin =
        new EdgeFunctionHooks(
            OriginGroupUpstream.create(
                vertx, clientOptions, poolOptions, client, clock, registry, "edge", nodeId),
            client,
            functions,
            registry);
    Upstream upstream =
        regionalNodes.isEmpty()
            ? origin
            : new RegionalUpstream(
                regionalNodes,
                origin,
                clock,
                REGIONAL_DOWN_MILLIS,
                1_000,
                new HealthChecker(vertx, client, clock, registry, "edge", nodeId),
                regionalChecks,
                RetryBudget.standard(clock),
                new ReadTimeoutClients(vertx, clientOptions, poolOptions));
    return CacheNode.start(
        vertx,
        new TierSettings("edge", nodeId, maxObjectBytes),
        listen,
        byteBudget,
        router,
        upstream,
        registry,
        clock,
        ViewerPipeline.edge(
            clock,
            new ErrorPages(client),
            registry,
            "edge",
            nodeId,
            options.connections(),
            options.countries()),
        options.tls());
  }
}
