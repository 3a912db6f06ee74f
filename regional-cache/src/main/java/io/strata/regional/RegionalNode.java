package io.strata.regional;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.functions.EdgeFunctionHooks;
import io.strata.core.functions.FunctionEndpoint;
import io.strata.core.proxy.TierSettings;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.time.Clock;
import io.strata.core.upstream.OriginGroupUpstream;
import io.strata.core.upstream.UpstreamClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * Starts the mid tier: a cache node, usually with a larger byte budget than an edge, whose upstream
 * is the origin of each request's behavior. Edges shard keys across regional nodes, so each node
 * fills an object once for every edge.
 */
public final class RegionalNode {
  private RegionalNode() {}

  public static Future<CacheNode> start(
      Vertx vertx,
      String nodeId,
      ListenOptions listen,
      long byteBudget,
      long maxObjectBytes,
      Router router,
      MeterRegistry registry,
      Clock clock) {
    return start(vertx, nodeId, listen, byteBudget, maxObjectBytes, router, registry, clock, null);
  }

  /**
   * Starts a regional node whose origin fetches run the behaviors' Lambda@Edge origin-request and
   * origin-response functions on the function runtime at {@code functions} (null: none configured,
   * so behaviors with functions answer 502).
   */
  public static Future<CacheNode> start(
      Vertx vertx,
      String nodeId,
      ListenOptions listen,
      long byteBudget,
      long maxObjectBytes,
      Router router,
      MeterRegistry registry,
      Clock clock,
      FunctionEndpoint functions) {
    HttpClientOptions clientOptions = UpstreamClientOptions.http1(5);
    PoolOptions poolOptions = UpstreamClientOptions.pool();
    var client = vertx.httpClientBuilder().with(clientOptions).with(poolOptions).build();
    return CacheNode.start(
        vertx,
        new TierSettings("regional", nodeId, maxObjectBytes),
        listen,
        byteBudget,
        router,
        new EdgeFunctionHooks(
            OriginGroupUpstream.create(
                vertx, clientOptions, poolOptions, client, clock, registry, "regional", nodeId),
            client,
            functions,
            registry),
        registry,
        clock);
  }
}
