package io.strata.dist;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.TlsSettings;
import io.strata.core.testing.Sync;
import io.strata.core.time.ManualClock;
import io.strata.edge.EdgeNode;
import io.strata.regional.RegionalNode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * An edge in front of N regional nodes in front of a test origin, all real servers on loopback
 * ephemeral ports, sharing one manual clock.
 */
final class Tiers implements AutoCloseable {
  static final long MAX_OBJECT_BYTES = 8L << 20;

  final ManualClock clock = new ManualClock(System.currentTimeMillis());
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final List<CacheNode> regionals = new ArrayList<>();
  final CacheNode edge;

  Tiers(Vertx vertx, String originUrl, int regionalCount) {
    this(vertx, config(originUrl), regionalCount, null);
  }

  /** Tiers for a whole configuration document, with an HTTPS listener at the edge if given. */
  Tiers(Vertx vertx, String yaml, int regionalCount, TlsSettings tls) {
    this(vertx, yaml, regionalCount, tls, null);
  }

  /** Tiers whose origin fetches run Lambda@Edge functions on the runtime at {@code functions}. */
  Tiers(
      Vertx vertx,
      String yaml,
      int regionalCount,
      TlsSettings tls,
      io.strata.core.functions.FunctionEndpoint functions) {
    Router router = new Router(ConfigLoader.parse(yaml, "test.yaml"));
    List<URI> regionalUrls = new ArrayList<>();
    for (int i = 0; i < regionalCount; i++) {
      CacheNode node =
          Sync.await(
              RegionalNode.start(
                  vertx,
                  "regional-" + i,
                  new ListenOptions("127.0.0.1", 0, 2),
                  64L << 20,
                  MAX_OBJECT_BYTES,
                  router,
                  registry,
                  clock,
                  functions));
      regionals.add(node);
      regionalUrls.add(URI.create("http://127.0.0.1:" + node.port()));
    }
    edge =
        Sync.await(
            EdgeNode.start(
                vertx,
                "edge-0",
                new ListenOptions("127.0.0.1", 0, 2),
                32L << 20,
                MAX_OBJECT_BYTES,
                regionalUrls,
                router,
                registry,
                clock,
                io.strata.core.server.EdgeOptions.withTls(tls),
                EdgeNode.REGIONAL_HEALTH_CHECK,
                functions));
  }

  static String config(String originUrl) {
    return String.join(
        "\n",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1, localhost]",
        "    origins:",
        "      - id: web",
        "        url: " + originUrl,
        "        connectTimeoutMs: 1000",
        "        readTimeoutMs: 2000",
        "    defaultBehavior:",
        "      origin: web",
        "      cachePolicy: { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 }",
        "    behaviors:",
        "      - pathPattern: /api/*",
        "        origin: web",
        "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
        "      - pathPattern: /text/*",
        "        origin: web",
        "        compress: true",
        "      - pathPattern: /opts/*",
        "        origin: web",
        "        allowedMethods: [GET, HEAD, OPTIONS]",
        "        cachedMethods: [GET, HEAD, OPTIONS]",
        "");
  }

  @Override
  public void close() {
    Sync.await(edge.close());
    for (CacheNode r : regionals) {
      r.close();
    }
  }
}
