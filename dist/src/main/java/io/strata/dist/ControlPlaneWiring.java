package io.strata.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strata.control.ControlPlane;
import io.strata.control.ControlPlaneOptions;
import io.strata.core.config.ConfigException;
import io.strata.core.config.StrataConfig;
import io.strata.core.control.NodeAgent;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** How the {@code strata} command starts the control plane and makes nodes follow it. */
final class ControlPlaneWiring {
  static final String SOFTWARE_VERSION = "0.1.0";

  private ControlPlaneWiring() {}

  /**
   * Control plane options from flags: listener, data directory, JDBC, admin token, TLS.
   *
   * @param tlsFlags the prefix of the admin listener's certificate flags: {@code tls} for the
   *     {@code control-plane} command, {@code control-plane-tls} under {@code up}, where {@code
   *     --tls-cert} is the edge's
   */
  static ControlPlaneOptions options(
      Flags flags, Path home, String host, int port, String tlsFlags) {
    Path data = Path.of(flags.get("data", home.resolve("data").toString()));
    ControlPlaneOptions o = ControlPlaneOptions.defaults(data).withListen(host, port);
    String jdbc = flags.get("jdbc-url", null);
    if (jdbc != null) {
      if (!jdbc.startsWith("jdbc:postgresql:") && !jdbc.startsWith("jdbc:h2:")) {
        throw new Flags.UsageException(
            "--jdbc-url: '" + jdbc + "' (expected: jdbc:postgresql://... or jdbc:h2:...)");
      }
      o = o.withJdbc(jdbc, flags.get("jdbc-user", null), flags.get("jdbc-password", null));
    }
    String token = flags.get("admin-token", null);
    if (token != null) {
      o = o.withAdminToken(token);
    }
    o =
        o.withInvalidationQuotas(
            flags.positiveInt("invalidation-paths-limit", o.maxPathsInProgress()),
            flags.positiveInt("invalidation-wildcards-limit", o.maxWildcardPathsInProgress()));
    String cert = flags.get(tlsFlags + "-cert", null);
    String key = flags.get(tlsFlags + "-key", null);
    if ((cert == null) != (key == null)) {
      throw new Flags.UsageException(
          "--" + tlsFlags + "-cert and --" + tlsFlags + "-key go together");
    }
    if (cert != null) {
      o = o.withTls(Path.of(cert), Path.of(key));
    }
    return o;
  }

  /** Reads a YAML or JSON configuration file into a JSON document. */
  static JsonObject readDocument(Path file) {
    try {
      Object value =
          new ObjectMapper(new YAMLFactory()).readValue(Files.readString(file), Object.class);
      if (!(value instanceof Map<?, ?>)) {
        throw new ConfigException(file + ": expected a mapping at the top (distributions: ...)");
      }
      return new JsonObject(Json.encode(value));
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Imports {@code file} into the control plane; a refused file is a {@link ConfigException}. */
  static List<String> importFile(ControlPlane cp, Path file) {
    JsonObject doc = readDocument(file);
    try {
      return cp.importDocument(doc, "import:" + file.getFileName())
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (doc.fieldNames().equals(java.util.Set.of("distributions"))) {
        // A plain node configuration: the node's own parser names the line and column.
        io.strata.core.config.ConfigLoader.load(file);
      }
      throw new ConfigException(file + ": " + e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new ConfigException(file + ": import failed: " + e, e);
    }
  }

  /** Starts an agent that keeps {@code node} in step with the control plane. */
  static Future<NodeAgent> follow(
      Vertx vertx,
      CacheNode node,
      URI controlPlane,
      String token,
      String role,
      String address,
      Path dataDir,
      io.micrometer.core.instrument.MeterRegistry registry,
      Path trustPem) {
    if (token == null || token.isBlank()) {
      throw new Flags.UsageException(
          "--control-plane needs a token: --control-plane-token or STRATA_CONTROL_PLANE_TOKEN"
              + " (a node or admin token)");
    }
    String id = node.tier().nodeId();
    return NodeAgent.start(
        vertx,
        new NodeAgent.Settings(
            controlPlane,
            token,
            id,
            role,
            address,
            SOFTWARE_VERSION,
            dataDir.resolve("nodes").resolve(id + ".json"),
            2_000,
            500,
            trustPem),
        node,
        registry);
  }

  /** A control plane URL from a flag value. */
  static URI controlPlaneUrl(String value) {
    URI uri = URI.create(value);
    if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new Flags.UsageException(
          "--control-plane: '" + value + "' (expected: http(s)://host:port)");
    }
    return uri;
  }

  static Router emptyRouter() {
    return new Router(new StrataConfig(List.of()));
  }

  /** Waits (bounded) until every agent serves {@code version}, so start-up prints when ready. */
  static void awaitApplied(List<NodeAgent> agents, long version, long timeoutMillis) {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (agents.stream().allMatch(a -> a.appliedVersion() >= version)) {
        return;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
