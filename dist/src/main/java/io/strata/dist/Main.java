package io.strata.dist;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.control.ControlPlane;
import io.strata.control.ControlPlaneOptions;
import io.strata.core.config.ConfigException;
import io.strata.core.config.ConfigLoader;
import io.strata.core.config.ViewerCertificate;
import io.strata.core.control.NodeAgent;
import io.strata.core.routing.Router;
import io.strata.core.server.AdminServer;
import io.strata.core.server.CacheNode;
import io.strata.core.server.Certificates;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.TlsSettings;
import io.strata.core.time.Clock;
import io.strata.core.viewer.CountryLookup;
import io.strata.core.viewer.ViewerPipeline;
import io.strata.dist.cli.Cli;
import io.strata.edge.EdgeNode;
import io.strata.functions.FunctionRuntime;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.strata.regional.RegionalNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
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
          "  --functions-port 9300 --functions-dir DATA/functions --functions-access-key ID"
              + " --functions-secret-key SECRET (the Lambda-compatible function runtime)",
          "every flag can also be set as an environment variable: --edge-port is STRATA_EDGE_PORT",
          FunctionsCommand.USAGE,
          SigningCommands.USAGE,
          Cli.USAGE_TEXT);

  private static final long DEFAULT_EDGE_BYTES = 256L << 20;
  private static final long DEFAULT_REGIONAL_BYTES = 1L << 30;
  private static final long DEFAULT_MAX_OBJECT_BYTES = 64L << 20;

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
          up(
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
                      "max-connections"),
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
                      "data"),
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
  private static final class Stops extends ArrayList<java.util.function.Supplier<Future<?>>> {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Runs {@code body}; if it fails, stops what it started (collected in {@code stops}) and closes
   * {@code vertx}, so a failed start leaves nothing behind.
   */
  private static Running starting(
      Vertx vertx, Stops stops, java.util.function.Supplier<Started> body) {
    try {
      Started started = body.get();
      started.lines().forEach(System.out::println);
      return new Running(vertx, new Started(started.lines(), started.ports(), List.copyOf(stops)));
    } catch (RuntimeException e) {
      new Running(vertx, new Started(List.of(), Map.of(), List.copyOf(stops))).close();
      throw e;
    }
  }

  private static Running starting(Vertx vertx, java.util.function.Supplier<Started> body) {
    return starting(vertx, new Stops(), body);
  }

  private static Running up(Flags flags) {
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
                      Clock.SYSTEM),
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
                      edgeOptions),
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
              await(
                      AdminServer.start(
                          vertx,
                          new ListenOptions(host, adminPort, 1),
                          registry,
                          List.of("edge", "regional", "origin", "control-plane", "functions"),
                          () -> true),
                      "admin",
                      host,
                      adminPort,
                      "admin-port")
                  .port();
          // Its environments (child processes) stop with Vert.x, or with the JVM on Ctrl-C.
          int functions =
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
                      "functions-port")
                  .port();
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
          int admin =
              await(
                      AdminServer.start(
                          vertx,
                          new ListenOptions(host, adminPort, 1),
                          registry,
                          List.of("control-plane"),
                          () -> true),
                      "admin",
                      host,
                      adminPort,
                      "admin-port")
                  .port();
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
                      edgeOptions),
                  "edge",
                  host,
                  port,
                  "port",
                  tls == null ? -1 : tls.listen().port(),
                  "tls-port");
          followIfAsked(flags, vertx, stops, edge, "edge", host, registry);
          await(
              AdminServer.start(
                  vertx,
                  new ListenOptions(host, adminPort, 1),
                  registry,
                  List.of("edge"),
                  () -> true),
              "admin",
              host,
              adminPort,
              "admin-port");
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
                      Clock.SYSTEM),
                  "regional cache",
                  host,
                  port,
                  "port");
          followIfAsked(flags, vertx, stops, regional, "regional", host, registry);
          await(
              AdminServer.start(
                  vertx,
                  new ListenOptions(host, adminPort, 1),
                  registry,
                  List.of("regional"),
                  () -> true),
              "admin",
              host,
              adminPort,
              "admin-port");
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

  /**
   * The edge's HTTPS listener: the certificate and key from {@code --tls-cert}/{@code --tls-key}
   * (PEM files), or a self-signed development certificate for localhost made at start-up.
   */
  private static TlsSettings tls(Flags flags, String host, int port) {
    String certFile = flags.get("tls-cert", null);
    String keyFile = flags.get("tls-key", null);
    if ((certFile == null) != (keyFile == null)) {
      throw new Flags.UsageException("--tls-cert and --tls-key go together");
    }
    ViewerCertificate certificate;
    if (certFile == null) {
      Certificates.Issued dev = Certificates.selfSigned(List.of("localhost", "127.0.0.1", "::1"));
      certificate = new ViewerCertificate(dev.certificatePem(), dev.privateKeyPem());
    } else {
      try {
        certificate =
            new ViewerCertificate(
                Files.readString(Path.of(certFile)), Files.readString(Path.of(keyFile)));
      } catch (java.io.IOException e) {
        throw new Flags.UsageException("--tls-cert/--tls-key: " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new Flags.UsageException("--tls-cert/--tls-key: " + e.getMessage());
      }
    }
    return new TlsSettings(listen(host, port), certificate);
  }

  /** The edge's options: HTTPS and the country database of {@code --geoip-db}, if given. */
  private static EdgeOptions edgeOptions(Flags flags, TlsSettings tls) {
    String database = flags.get("geoip-db", null);
    CountryLookup countries = CountryLookup.NONE;
    if (database != null) {
      try {
        countries = CountryLookup.maxMind(new java.io.File(database));
      } catch (java.io.IOException e) {
        throw new Flags.UsageException(
            "--geoip-db: " + database + ": " + e.getMessage() + " (expected: a MaxMind DB file)");
      }
    }
    String max =
        flags.get("max-connections", Integer.toString(ViewerPipeline.DEFAULT_MAX_CONNECTIONS));
    int maxConnections;
    try {
      maxConnections = Integer.parseInt(max);
      if (maxConnections < 1) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new Flags.UsageException(
          "--max-connections: '" + max + "' (expected: a positive number of connections)");
    }
    return new EdgeOptions(tls, maxConnections, countries);
  }

  private static Router router(Flags flags, Path home) {
    return new Router(ConfigLoader.load(configPath(flags, home.resolve("examples/site.yaml"))));
  }

  /** The repository root (set by the {@code strata} script), or the working directory. */
  private static Path home() {
    return Path.of(System.getProperty("strata.home", "."));
  }

  private static Path configPath(Flags flags, Path fallback) {
    Path path = Path.of(flags.get("config", fallback.toString()));
    if (!Files.isRegularFile(path)) {
      throw new Flags.UsageException("--config: no such file: " + path);
    }
    return path;
  }

  private static ListenOptions listen(String host, int port) {
    return new ListenOptions(host, port, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static Vertx vertx() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    LOG.log(
        System.Logger.Level.INFO,
        "transport: {0}",
        vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
    return vertx;
  }

  private static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  /** Waits for a role to start; a port in use becomes one clear line naming the flag to change. */
  private static <T> T await(Future<T> future, String role, String host, int port, String flag) {
    return await(future, role, host, port, flag, -1, null);
  }

  /** As above, for a role with an HTTPS listener too: its failures name the TLS port and flag. */
  private static <T> T await(
      Future<T> future,
      String role,
      String host,
      int port,
      String flag,
      int tlsPort,
      String tlsFlag) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (tlsFlag != null
          && cause != null
          && String.valueOf(cause.getMessage()).startsWith(CacheNode.TLS_LISTENER)) {
        port = tlsPort;
        flag = tlsFlag;
      }
      for (Throwable c = cause; c != null; c = c.getCause()) {
        if (c instanceof BindException
            || String.valueOf(c.getMessage()).contains("Address already in use")) {
          throw new StartupException(
              "cannot start the "
                  + role
                  + ": "
                  + host
                  + ":"
                  + port
                  + " is already in use (choose another port with --"
                  + flag
                  + " or "
                  + Flags.envName(flag)
                  + ")");
        }
      }
      throw new StartupException(
          "cannot start the " + role + " on " + host + ":" + port + ": " + cause);
    } catch (Exception e) {
      throw new StartupException(
          "cannot start the " + role + " on " + host + ":" + port + ": " + e);
    }
  }

  /** A role could not start: printed as one line, exit code 1. */
  static final class StartupException extends RuntimeException {
    StartupException(String message) {
      super(message, null, false, false);
    }
  }
}
