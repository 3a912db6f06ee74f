package io.strata.dist;

import static io.strata.dist.Main.DEFAULT_EDGE_BYTES;
import static io.strata.dist.Main.DEFAULT_MAX_OBJECT_BYTES;
import static io.strata.dist.Main.DEFAULT_REGIONAL_BYTES;
import static io.strata.dist.Main.starting;
import static io.strata.dist.Startup.adminServer;
import static io.strata.dist.Startup.await;
import static io.strata.dist.Startup.configPath;
import static io.strata.dist.Startup.edgeOptions;
import static io.strata.dist.Startup.home;
import static io.strata.dist.Startup.hostForUrl;
import static io.strata.dist.Startup.listen;
import static io.strata.dist.Startup.registry;
import static io.strata.dist.Startup.tls;
import static io.strata.dist.Startup.vertx;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.control.ControlPlane;
import io.strata.control.ControlPlaneOptions;
import io.strata.core.control.NodeAgent;
import io.strata.core.functions.FunctionEndpoint;
import io.strata.core.server.CacheNode;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.TlsSettings;
import io.strata.core.time.Clock;
import io.strata.dist.Main.Running;
import io.strata.dist.Main.Started;
import io.strata.dist.Main.Stops;
import io.strata.edge.EdgeNode;
import io.strata.functions.FunctionRuntime;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.strata.regional.RegionalNode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code strata up}: every role in one JVM — the example origin, a regional cache, an edge with
 * HTTP and HTTPS listeners, the control plane that imports the configuration file and that both
 * nodes follow, and the function runtime — with one admin port for metrics and health.
 */
final class UpCommand {
  private UpCommand() {}

  static Running up(Flags flags) {
    Path home = home();
    Path configFile = configPath(flags, home.resolve("examples/site.yaml"));
    String host = flags.get("host", "127.0.0.1");
    long maxObject = flags.bytes("max-object-bytes", DEFAULT_MAX_OBJECT_BYTES);
    long regionalBytes = flags.bytes("regional-cache-bytes", DEFAULT_REGIONAL_BYTES);
    long edgeBytes = flags.bytes("edge-cache-bytes", DEFAULT_EDGE_BYTES);
    int originPort = flags.port("origin-port", 8000);
    int regionalPort = flags.port("regional-port", 8081);
    int edgePort = flags.port("edge-port", 8080);
    int adminPort = flags.port("admin-port", 9091);
    int cpPort = flags.port("control-plane-port", 9090);
    ControlPlaneOptions cpOptions =
        ControlPlaneWiring.options(flags, home, host, cpPort, "control-plane-tls");
    Path site = Path.of(flags.get("site", home.resolve("examples/site").toString()));
    int tlsPort = flags.port("edge-tls-port", 8443);
    TlsSettings tls = tls(flags, host, tlsPort);
    EdgeOptions edgeOptions = edgeOptions(flags, tls);
    int functionsPort = flags.port("functions-port", 9300);
    Path functionsDir =
        Path.of(flags.get("functions-dir", cpOptions.dataDir().resolve("functions").toString()));
    Auth functionsAuth = functionsAuth(flags, host);
    Vertx vertx = vertx();
    Stops stops = new Stops();
    return starting(
        vertx,
        stops,
        () -> {
          PrometheusMeterRegistry registry = registry();
          ControlPlane cp =
              await(
                  ControlPlane.start(vertx, cpOptions, registry),
                  "control plane",
                  host,
                  cpPort,
                  "control-plane-port");
          stops.add(cp::close);
          List<String> imported = ControlPlaneWiring.importFile(cp, configFile);
          String h = "http://" + hostForUrl(host) + ":";
          URI cpUrl =
              URI.create((cp.tls() ? "https://" : "http://") + hostForUrl(host) + ":" + cp.port());
          int origin =
              await(
                      ExampleOrigin.start(vertx, listen(host, originPort), site),
                      "example origin",
                      host,
                      originPort,
                      "origin-port")
                  .port();
          // Its environments (child processes) stop with Vert.x, or with the JVM on Ctrl-C.
          FunctionRuntime runtime =
              await(
                  FunctionRuntime.start(
                      vertx,
                      host,
                      functionsPort,
                      RuntimeSettings.defaults(functionsDir),
                      functionsAuth,
                      registry),
                  "function runtime",
                  host,
                  functionsPort,
                  "functions-port");
          int functions = runtime.port();
          // Functions, versions, aliases, schedules and access keys come from the control plane.
          runtime.followControlPlane(
              cpUrl, cp.localNodeToken(), functionsDir.resolve("control-plane-state.json"));
          FunctionEndpoint functionsEndpoint = functionsEndpoint(host, functions, flags);
          CacheNode regional =
              await(
                  RegionalNode.start(
                      vertx,
                      "regional-" + regionalPort,
                      listen(host, regionalPort),
                      regionalBytes,
                      maxObject,
                      ControlPlaneWiring.emptyRouter(),
                      registry,
                      Clock.SYSTEM,
                      functionsEndpoint),
                  "regional cache",
                  host,
                  regionalPort,
                  "regional-port");
          URI regionalUrl = URI.create("http://" + hostForUrl(host) + ":" + regional.port());
          CacheNode edge =
              await(
                  EdgeNode.start(
                      vertx,
                      "edge-" + edgePort,
                      listen(host, edgePort),
                      edgeBytes,
                      maxObject,
                      List.of(regionalUrl),
                      ControlPlaneWiring.emptyRouter(),
                      registry,
                      Clock.SYSTEM,
                      edgeOptions,
                      EdgeNode.REGIONAL_HEALTH_CHECK,
                      functionsEndpoint),
                  "edge",
                  host,
                  edgePort,
                  "edge-port",
                  tlsPort,
                  "edge-tls-port");
          List<NodeAgent> agents = new ArrayList<>();
          for (var n : List.of(Map.entry("regional", regional), Map.entry("edge", edge))) {
            NodeAgent agent =
                await(
                    ControlPlaneWiring.follow(
                        vertx,
                        n.getValue(),
                        cpUrl,
                        cp.localNodeToken(),
                        n.getKey(),
                        h + n.getValue().port(),
                        cpOptions.dataDir(),
                        registry,
                        null),
                    n.getKey() + " config follower",
                    host,
                    n.getValue().port(),
                    n.getKey() + "-port");
            stops.add(0, agent::stop);
            agents.add(agent);
          }
          ControlPlaneWiring.awaitApplied(agents, cp.configVersion(), 15_000);
          int admin =
              adminServer(
                  vertx,
                  host,
                  adminPort,
                  registry,
                  List.of("edge", "regional", "origin", "control-plane", "functions"));
          List<String> lines = new ArrayList<>();
          lines.add("Strata is up (all roles in one JVM). Ctrl-C stops it.");
          lines.add("  edge (viewers)   " + h + edge.port() + "/");
          lines.add(
              "  edge over TLS    https://"
                  + hostForUrl(host)
                  + ":"
                  + edge.tlsPort()
                  + "/"
                  + (flags.get("tls-cert", null) == null
                      ? "  (self-signed development certificate: curl -k)"
                      : ""));
          lines.add("  regional cache   " + h + regional.port() + "/");
          lines.add("  example origin   " + h + origin + "/");
          lines.add("  metrics, health  " + h + admin + "/metrics  " + h + admin + "/health");
          lines.add("  functions        " + h + functions + "/2015-03-31/functions  (Lambda API)");
          lines.add(
              "  control plane    "
                  + cpUrl
                  + "/v1/  (config "
                  + configFile.getFileName()
                  + " imported: "
                  + imported.stream().filter(l -> !l.startsWith("unchanged")).count()
                  + " changed, version "
                  + cp.configVersion()
                  + ")");
          if (cp.generatedAdminToken() != null) {
            lines.add(
                "  admin token      "
                    + cp.generatedAdminToken()
                    + "  (shown once; export STRATA_ADMIN_TOKEN=... for the strata CLI)");
          }
          lines.add("Try: curl -si " + h + edge.port() + "/ | grep -iE '^(x-cache|age|via):'");
          return new Started(
              lines,
              Map.of(
                  "edge",
                  edge.port(),
                  "edge-tls",
                  edge.tlsPort(),
                  "regional",
                  regional.port(),
                  "origin",
                  origin,
                  "admin",
                  admin,
                  "control-plane",
                  cp.port(),
                  "functions",
                  functions));
        });
  }

  /**
   * Where the nodes call Lambda@Edge functions: this process's function runtime, signed with the
   * configured key when there is one.
   */
  static FunctionEndpoint functionsEndpoint(String host, int port, Flags flags) {
    URI url = URI.create("http://" + hostForUrl(host) + ":" + port);
    return new FunctionEndpoint(
        url, flags.get("functions-access-key", null), flags.get("functions-secret-key", null));
  }

  /**
   * SigV4 keys for the function API when both flags are given; unsigned calls are accepted only
   * when listening on loopback.
   */
  private static Auth functionsAuth(Flags flags, String host) {
    String id = flags.get("functions-access-key", null);
    String secret = flags.get("functions-secret-key", null);
    if ((id == null) != (secret == null)) {
      throw new Flags.UsageException(
          "--functions-access-key and --functions-secret-key go together");
    }
    boolean loopback;
    try {
      loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      throw new Flags.UsageException("--host: unknown host '" + host + "'");
    }
    if (id == null && !loopback) {
      throw new Flags.UsageException(
          "--functions-access-key and --functions-secret-key are required when --host is not"
              + " loopback (unsigned invocations are accepted only on loopback)");
    }
    return new Auth(id == null ? Map.of() : Map.of(id, secret), loopback);
  }
}
