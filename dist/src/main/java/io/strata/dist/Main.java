package io.strata.dist;

import static io.strata.dist.Startup.adminServer;
import static io.strata.dist.Startup.await;
import static io.strata.dist.Startup.configPath;
import static io.strata.dist.Startup.edgeOptions;
import static io.strata.dist.Startup.home;
import static io.strata.dist.Startup.hostForUrl;
import static io.strata.dist.Startup.listen;
import static io.strata.dist.Startup.registry;
import static io.strata.dist.Startup.router;
import static io.strata.dist.Startup.tls;
import static io.strata.dist.Startup.vertx;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.control.ControlPlane;
import io.strata.control.ControlPlaneOptions;
import io.strata.core.config.ConfigException;
import io.strata.core.control.NodeAgent;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.TlsSettings;
import io.strata.core.time.Clock;
import io.strata.dist.cli.Cli;
import io.strata.edge.EdgeNode;
import io.strata.regional.RegionalNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code strata} command: {@code up} runs every role in one JVM with the example site; {@code
 * edge}, {@code regional} and {@code origin} run one role per process.
 */
public final class Main {
  private static final System.Logger LOG = System.getLogger(Main.class.getName());

  static final String USAGE =
      String.join(
          "\n",
          "usage: strata <command> [flags]",
          "  up        every role in one JVM: example origin, regional cache, edge (flags below)",
          "  edge      an edge node:     --config FILE --port 8080 --admin-port 9091 --regionals"
              + " URL[,URL...]",
          "  regional  a regional node:  --config FILE --port 8081 --admin-port 9092",
          "  origin    the example origin site: --port 8000 --site DIR",
          "  control-plane  the admin API and config store: --port 9090 --admin-port 9094 --data"
              + " DIR [--config FILE] [--jdbc-url URL --jdbc-user U --jdbc-password P] [--tls-cert"
              + " PEM --tls-key PEM]",
          "  edge and regional run Lambda@Edge functions with --functions-endpoint"
              + " http://127.0.0.1:9300 [--functions-access-key ID --functions-secret-key SECRET]",
          "  edge and regional follow a control plane with --control-plane URL"
              + " --control-plane-token TOKEN [--control-plane-ca PEM] (then --config is optional)",
          "flags of up: --config FILE (examples/site.yaml) --host 127.0.0.1 --edge-port 8080"
              + " --regional-port 8081",
          "  --origin-port 8000 --admin-port 9091 --edge-cache-bytes 256m --regional-cache-bytes 1g"
              + " --max-object-bytes 64m --control-plane-port 9090 --data ./data --jdbc-url URL",
          "  --edge-tls-port 8443 --tls-cert PEM --tls-key PEM (default: a self-signed development"
              + " certificate); edge: --tls-port PORT to add HTTPS; the control plane's own TLS in"
              + " up: --control-plane-tls-cert PEM --control-plane-tls-key PEM",
          "  --geoip-db FILE (up, edge): a MaxMind country database for geo restrictions;"
              + " --max-connections 10000 (up, edge)",
          "  --max-connections-per-ip 0 (off) --request-head-timeout-ms 10000"
              + " --write-stall-timeout-ms 30000 (up, edge; see docs/security.md)",
          "  --functions-port 9300 --functions-dir DATA/functions --functions-access-key ID"
              + " --functions-secret-key SECRET (the Lambda-compatible function runtime)",
          "every flag can also be set as an environment variable: --edge-port is STRATA_EDGE_PORT",
          FunctionsCommand.USAGE,
          SigningCommands.USAGE,
          Cli.USAGE_TEXT);

  static final long DEFAULT_EDGE_BYTES = 256L << 20;
  static final long DEFAULT_REGIONAL_BYTES = 1L << 30;
  static final long DEFAULT_MAX_OBJECT_BYTES = 64L << 20;

  private Main() {}

  public static void main(String[] args) {
    Logging.configure();
    if (args.length == 0 || Set.of("help", "--help", "-h").contains(args[0])) {
      System.out.println(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    if (args[0].equals("functions")) {
      System.exit(
          FunctionsCommand.run(
              Arrays.asList(args).subList(1, args.length),
              System.getenv(),
              System.out,
              System.err));
    }
    if (Cli.COMMANDS.contains(args[0])) {
      System.exit(Cli.run(Arrays.asList(args), System.getenv(), System.out, System.err));
    }
    if (SigningCommands.COMMANDS.contains(args[0])) {
      try {
        SigningCommands.run(Arrays.asList(args), System.getenv(), Clock.SYSTEM, System.out);
        System.exit(0);
      } catch (Flags.UsageException e) {
        System.err.println("strata: " + e.getMessage());
        System.exit(2);
      }
    }
    try {
      Running running = start(Arrays.asList(args), System.getenv());
      Runtime.getRuntime().addShutdownHook(new Thread(running::close, "strata-shutdown"));
    } catch (Flags.UsageException e) {
      System.err.println("strata: " + e.getMessage());
      System.exit(2);
    } catch (ConfigException e) {
      System.err.println("strata: invalid configuration: " + e.getMessage());
      System.exit(1);
    } catch (StartupException e) {
      System.err.println("strata: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Starts what {@code args} asks for and returns once it is listening.
   *
   * @throws Flags.UsageException for a mistake in the command line
   * @throws ConfigException for an invalid configuration file
   * @throws StartupException when a role cannot start (a port in use, say); nothing is left running
   */
  static Running start(List<String> args, Map<String, String> env) {
    List<String> rest = args.subList(1, args.size());
    return switch (args.get(0)) {
      case "up" ->
          UpCommand.up(
              Flags.parse(
                  rest,
                  Set.of(
                      "config",
                      "host",
                      "edge-port",
                      "regional-port",
                      "origin-port",
                      "admin-port",
                      "edge-cache-bytes",
                      "regional-cache-bytes",
                      "max-object-bytes",
                      "site",
                      "control-plane-port",
                      "data",
                      "jdbc-url",
                      "jdbc-user",
                      "jdbc-password",
                      "admin-token",
                      "control-plane-tls-cert",
                      "control-plane-tls-key",
                      "invalidation-paths-limit",
                      "invalidation-wildcards-limit",
                      "edge-tls-port",
                      "tls-cert",
                      "tls-key",
                      "geoip-db",
                      "max-connections",
                      "max-connections-per-ip",
                      "request-head-timeout-ms",
                      "write-stall-timeout-ms",
                      "functions-port",
                      "functions-dir",
                      "functions-access-key",
                      "functions-secret-key"),
                  env));
      case "edge" ->
          edge(
              Flags.parse(
                  rest,
                  Set.of(
                      "config",
                      "host",
                      "port",
                      "admin-port",
                      "regionals",
                      "cache-bytes",
                      "max-object-bytes",
                      "node-id",
                      "control-plane",
                      "control-plane-token",
                      "control-plane-ca",
                      "data",
                      "tls-port",
                      "tls-cert",
                      "tls-key",
                      "geoip-db",
                      "max-connections",
                      "functions-endpoint",
                      "functions-access-key",
                      "functions-secret-key",
                      "max-connections-per-ip",
                      "request-head-timeout-ms",
                      "write-stall-timeout-ms"),
                  env));
      case "regional" ->
          regional(
              Flags.parse(
                  rest,
                  Set.of(
                      "config",
                      "host",
                      "port",
                      "admin-port",
                      "cache-bytes",
                      "max-object-bytes",
                      "node-id",
                      "control-plane",
                      "control-plane-token",
                      "control-plane-ca",
                      "data",
                      "functions-endpoint",
                      "functions-access-key",
                      "functions-secret-key"),
                  env));
      case "origin" -> origin(Flags.parse(rest, Set.of("host", "port", "site"), env));
      case "control-plane" ->
          controlPlane(
              Flags.parse(
                  rest,
                  Set.of(
                      "host",
                      "port",
                      "config",
                      "data",
                      "jdbc-url",
                      "jdbc-user",
                      "jdbc-password",
                      "admin-token",
                      "tls-cert",
                      "tls-key",
                      "invalidation-paths-limit",
                      "invalidation-wildcards-limit",
                      "admin-port"),
                  env));
      default -> throw new Flags.UsageException("unknown command '" + args.get(0) + "'\n" + USAGE);
    };
  }

  /**
   * What a command started: the lines it printed, its bound ports by role, and what to stop before
   * Vert.x closes (node agents, the control plane's store).
   */
  record Started(
      List<String> lines,
      Map<String, Integer> ports,
      List<java.util.function.Supplier<Future<?>>> stops) {
    Started(List<String> lines, Map<String, Integer> ports) {
      this(lines, ports, List.of());
    }
  }

  /** The roles started by one command, in one Vert.x instance. */
  record Running(Vertx vertx, Started started) implements AutoCloseable {
    @Override
    public void close() {
      LOG.log(System.Logger.Level.INFO, "shutting down");
      for (var stop : started.stops()) {
        try {
          stop.get().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.log(System.Logger.Level.WARNING, "stop did not complete cleanly: {0}", e.toString());
        }
      }
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.log(
            System.Logger.Level.WARNING, "shutdown did not complete cleanly: {0}", e.toString());
      }
    }
  }

  /** What to stop before Vert.x closes, collected while a command starts. */
  static final class Stops extends ArrayList<java.util.function.Supplier<Future<?>>> {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Runs {@code body}; if it fails, stops what it started (collected in {@code stops}) and closes
   * {@code vertx}, so a failed start leaves nothing behind.
   */
  static Running starting(Vertx vertx, Stops stops, java.util.function.Supplier<Started> body) {
    try {
      Started started = body.get();
      started.lines().forEach(System.out::println);
      return new Running(vertx, new Started(started.lines(), started.ports(), List.copyOf(stops)));
    } catch (RuntimeException e) {
      new Running(vertx, new Started(List.of(), Map.of(), List.copyOf(stops))).close();
      throw e;
    }
  }

  static Running starting(Vertx vertx, java.util.function.Supplier<Started> body) {
    return starting(vertx, new Stops(), body);
  }

  private static Running controlPlane(Flags flags) {
    Path home = home();
    String host = flags.get("host", "127.0.0.1");
    int port = flags.port("port", 9090);
    int adminPort = flags.port("admin-port", 9094);
    ControlPlaneOptions options = ControlPlaneWiring.options(flags, home, host, port, "tls");
    String config = flags.get("config", null);
    Path configFile = config == null ? null : configPath(flags, home);
    Vertx vertx = vertx();
    Stops stops = new Stops();
    return starting(
        vertx,
        stops,
        () -> {
          PrometheusMeterRegistry registry = registry();
          ControlPlane cp =
              await(
                  ControlPlane.start(vertx, options, registry),
                  "control plane",
                  host,
                  port,
                  "port");
          stops.add(cp::close);
          int admin = adminServer(vertx, host, adminPort, registry, List.of("control-plane"));
          List<String> lines = new ArrayList<>();
          if (configFile != null) {
            ControlPlaneWiring.importFile(cp, configFile).forEach(l -> lines.add("  " + l));
          }
          lines.add(
              0,
              "control plane listening on "
                  + (cp.tls() ? "https://" : "http://")
                  + hostForUrl(host)
                  + ":"
                  + cp.port()
                  + "/v1/ (config version "
                  + cp.configVersion()
                  + ")");
          if (cp.generatedAdminToken() != null) {
            lines.add(
                "admin token (shown once): "
                    + cp.generatedAdminToken()
                    + "  (export STRATA_ADMIN_TOKEN=... for the strata CLI)");
          }
          lines.add("metrics, health on http://" + hostForUrl(host) + ":" + admin + "/metrics");
          return new Started(lines, Map.of("control-plane", cp.port(), "admin", admin));
        });
  }

  /**
   * The starting router of an edge or regional node: the configuration file when one is given or no
   * control plane is followed (the foundation's behaviour), else empty until the persisted snapshot
   * or the control plane provides one.
   */
  private static Router nodeRouter(Flags flags) {
    if (flags.get("control-plane", null) == null || flags.get("config", null) != null) {
      return router(flags, home());
    }
    return ControlPlaneWiring.emptyRouter();
  }

  /** The function runtime named by {@code --functions-endpoint}, or null. */
  private static io.strata.core.functions.FunctionEndpoint functionsEndpoint(Flags flags) {
    String url = flags.get("functions-endpoint", null);
    if (url == null) {
      return null;
    }
    try {
      return new io.strata.core.functions.FunctionEndpoint(
          URI.create(url),
          flags.get("functions-access-key", null),
          flags.get("functions-secret-key", null));
    } catch (IllegalArgumentException e) {
      throw new Flags.UsageException("--" + e.getMessage());
    }
  }

  /** Makes {@code node} follow the control plane named by {@code --control-plane}, if any. */
  private static void followIfAsked(
      Flags flags,
      Vertx vertx,
      Stops stops,
      CacheNode node,
      String role,
      String host,
      PrometheusMeterRegistry registry) {
    String cp = flags.get("control-plane", null);
    if (cp == null) {
      return;
    }
    String token = flags.get("control-plane-token", flags.getEnv("STRATA_ADMIN_TOKEN"));
    NodeAgent agent =
        await(
            ControlPlaneWiring.follow(
                vertx,
                node,
                ControlPlaneWiring.controlPlaneUrl(cp),
                token,
                role,
                "http://" + hostForUrl(host) + ":" + node.port(),
                Path.of(flags.get("data", home().resolve("data").toString())),
                registry,
                flags.get("control-plane-ca", null) == null
                    ? null
                    : Path.of(flags.get("control-plane-ca", null))),
            role + " config follower",
            host,
            node.port(),
            "port");
    stops.add(0, agent::stop);
  }

  private static Running edge(Flags flags) {
    Router router = nodeRouter(flags);
    String host = flags.get("host", "127.0.0.1");
    int port = flags.port("port", 8080);
    int adminPort = flags.port("admin-port", 9091);
    long cacheBytes = flags.bytes("cache-bytes", DEFAULT_EDGE_BYTES);
    long maxObject = flags.bytes("max-object-bytes", DEFAULT_MAX_OBJECT_BYTES);
    String tlsPortText = flags.get("tls-port", null);
    TlsSettings tls = tlsPortText == null ? null : tls(flags, host, flags.port("tls-port", 8443));
    EdgeOptions edgeOptions = edgeOptions(flags, tls);
    List<URI> regionals = new ArrayList<>();
    for (String s : flags.get("regionals", "").split(",")) {
      if (!s.isBlank()) {
        URI uri = URI.create(s.trim());
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new Flags.UsageException("--regionals: '" + s + "' (expected: http://host:port)");
        }
        regionals.add(uri);
      }
    }
    Vertx vertx = vertx();
    Stops stops = new Stops();
    return starting(
        vertx,
        stops,
        () -> {
          PrometheusMeterRegistry registry = registry();
          CacheNode edge =
              await(
                  EdgeNode.start(
                      vertx,
                      flags.get("node-id", "edge-" + port),
                      listen(host, port),
                      cacheBytes,
                      maxObject,
                      regionals,
                      router,
                      registry,
                      Clock.SYSTEM,
                      edgeOptions,
                      EdgeNode.REGIONAL_HEALTH_CHECK,
                      functionsEndpoint(flags)),
                  "edge",
                  host,
                  port,
                  "port",
                  tls == null ? -1 : tls.listen().port(),
                  "tls-port");
          followIfAsked(flags, vertx, stops, edge, "edge", host, registry);
          adminServer(vertx, host, adminPort, registry, List.of("edge"));
          return new Started(
              List.of(
                  "edge "
                      + edge.tier().nodeId()
                      + " listening on "
                      + host
                      + ":"
                      + edge.port()
                      + (tls == null ? "" : " and " + host + ":" + edge.tlsPort() + " (TLS)")
                      + (regionals.isEmpty()
                          ? ", going to the origins directly"
                          : ", regional nodes " + regionals)
                      + following(flags)),
              Map.of("edge", edge.port()));
        });
  }

  private static Running regional(Flags flags) {
    Router router = nodeRouter(flags);
    String host = flags.get("host", "127.0.0.1");
    int port = flags.port("port", 8081);
    int adminPort = flags.port("admin-port", 9092);
    long cacheBytes = flags.bytes("cache-bytes", DEFAULT_REGIONAL_BYTES);
    long maxObject = flags.bytes("max-object-bytes", DEFAULT_MAX_OBJECT_BYTES);
    Vertx vertx = vertx();
    Stops stops = new Stops();
    return starting(
        vertx,
        stops,
        () -> {
          PrometheusMeterRegistry registry = registry();
          CacheNode regional =
              await(
                  RegionalNode.start(
                      vertx,
                      flags.get("node-id", "regional-" + port),
                      listen(host, port),
                      cacheBytes,
                      maxObject,
                      router,
                      registry,
                      Clock.SYSTEM,
                      functionsEndpoint(flags)),
                  "regional cache",
                  host,
                  port,
                  "port");
          followIfAsked(flags, vertx, stops, regional, "regional", host, registry);
          adminServer(vertx, host, adminPort, registry, List.of("regional"));
          return new Started(
              List.of(
                  "regional "
                      + regional.tier().nodeId()
                      + " listening on "
                      + host
                      + ":"
                      + regional.port()
                      + following(flags)),
              Map.of("regional", regional.port()));
        });
  }

  private static String following(Flags flags) {
    String cp = flags.get("control-plane", null);
    return cp == null ? "" : ", following the control plane at " + cp;
  }

  private static Running origin(Flags flags) {
    String host = flags.get("host", "127.0.0.1");
    int port = flags.port("port", 8000);
    Path site = Path.of(flags.get("site", home().resolve("examples/site").toString()));
    Vertx vertx = vertx();
    return starting(
        vertx,
        () -> {
          int bound =
              await(
                      ExampleOrigin.start(vertx, listen(host, port), site),
                      "example origin",
                      host,
                      port,
                      "port")
                  .port();
          return new Started(
              List.of("example origin listening on " + host + ":" + bound),
              Map.of("origin", bound));
        });
  }

  /** A role could not start: printed as one line, exit code 1. */
  static final class StartupException extends RuntimeException {
    StartupException(String message) {
      super(message, null, false, false);
    }
  }
}
