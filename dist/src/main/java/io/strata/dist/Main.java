package io.strata.dist;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigException;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.AdminServer;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.time.Clock;
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
          "  functions deploy DIR|ZIP --name N --runtime R --handler H: deploy to the function"
              + " runtime",
          "flags of up: --config FILE (examples/site.yaml) --host 127.0.0.1 --edge-port 8080"
              + " --regional-port 8081",
          "  --origin-port 8000 --admin-port 9091 --edge-cache-bytes 256m --regional-cache-bytes 1g"
              + " --max-object-bytes 64m",
          "  --functions-port 9300 --functions-dir data/functions"
              + " --functions-access-key ID --functions-secret-key SECRET",
          "every flag can also be set as an environment variable: --edge-port is STRATA_EDGE_PORT");

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
                      "node-id"),
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
                      "node-id"),
                  env));
      case "origin" -> origin(Flags.parse(rest, Set.of("host", "port", "site"), env));
      default -> throw new Flags.UsageException("unknown command '" + args.get(0) + "'\n" + USAGE);
    };
  }

  /** What a command started: the lines it printed and its bound ports by role. */
  record Started(List<String> lines, Map<String, Integer> ports) {}

  /** The roles started by one command, in one Vert.x instance. */
  record Running(Vertx vertx, Started started) implements AutoCloseable {
    @Override
    public void close() {
      LOG.log(System.Logger.Level.INFO, "shutting down");
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.log(
            System.Logger.Level.WARNING, "shutdown did not complete cleanly: {0}", e.toString());
      }
    }
  }

  /**
   * Runs {@code body}; if it fails, closes {@code vertx} so a failed start leaves nothing behind.
   */
  private static Running starting(Vertx vertx, java.util.function.Supplier<Started> body) {
    try {
      Started started = body.get();
      started.lines().forEach(System.out::println);
      return new Running(vertx, started);
    } catch (RuntimeException e) {
      new Running(vertx, new Started(List.of(), Map.of())).close();
      throw e;
    }
  }

  private static Running up(Flags flags) {
    Path home = home();
    Router router = router(flags, home);
    String host = flags.get("host", "127.0.0.1");
    long maxObject = flags.bytes("max-object-bytes", DEFAULT_MAX_OBJECT_BYTES);
    long regionalBytes = flags.bytes("regional-cache-bytes", DEFAULT_REGIONAL_BYTES);
    long edgeBytes = flags.bytes("edge-cache-bytes", DEFAULT_EDGE_BYTES);
    int originPort = flags.port("origin-port", 8000);
    int regionalPort = flags.port("regional-port", 8081);
    int edgePort = flags.port("edge-port", 8080);
    int adminPort = flags.port("admin-port", 9091);
    Path site = Path.of(flags.get("site", home.resolve("examples/site").toString()));
    int functionsPort = flags.port("functions-port", 9300);
    Path functionsDir =
        Path.of(flags.get("functions-dir", home.resolve("data/functions").toString()));
    Auth functionsAuth = functionsAuth(flags, host);
    Vertx vertx = vertx();
    return starting(
        vertx,
        () -> {
          PrometheusMeterRegistry registry = registry();
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
                      router,
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
                      router,
                      registry,
                      Clock.SYSTEM),
                  "edge",
                  host,
                  edgePort,
                  "edge-port");
          int admin =
              await(
                      AdminServer.start(
                          vertx,
                          new ListenOptions(host, adminPort, 1),
                          registry,
                          List.of("edge", "regional", "origin", "functions"),
                          () -> true),
                      "admin",
                      host,
                      adminPort,
                      "admin-port")
                  .port();
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
          String h = "http://" + hostForUrl(host) + ":";
          return new Started(
              List.of(
                  "Strata is up (all roles in one JVM). Ctrl-C stops it.",
                  "  edge (viewers)   " + h + edge.port() + "/",
                  "  regional cache   " + h + regional.port() + "/",
                  "  example origin   " + h + origin + "/",
                  "  metrics, health  " + h + admin + "/metrics  " + h + admin + "/health",
                  "  functions (Lambda Invoke API)  " + h + functions + "/2015-03-31/functions",
                  "Try: curl -si " + h + edge.port() + "/ | grep -iE '^(x-cache|age|via):'"),
              Map.of(
                  "edge",
                  edge.port(),
                  "regional",
                  regional.port(),
                  "origin",
                  origin,
                  "admin",
                  admin,
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

  private static Running edge(Flags flags) {
    Router router = router(flags, home());
    String host = flags.get("host", "127.0.0.1");
    int port = flags.port("port", 8080);
    int adminPort = flags.port("admin-port", 9091);
    long cacheBytes = flags.bytes("cache-bytes", DEFAULT_EDGE_BYTES);
    long maxObject = flags.bytes("max-object-bytes", DEFAULT_MAX_OBJECT_BYTES);
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
    return starting(
        vertx,
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
                      Clock.SYSTEM),
                  "edge",
                  host,
                  port,
                  "port");
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
                      + (regionals.isEmpty()
                          ? ", going to the origins directly"
                          : ", regional nodes " + regionals)),
              Map.of("edge", edge.port()));
        });
  }

  private static Running regional(Flags flags) {
    Router router = router(flags, home());
    String host = flags.get("host", "127.0.0.1");
    int port = flags.port("port", 8081);
    int adminPort = flags.port("admin-port", 9092);
    long cacheBytes = flags.bytes("cache-bytes", DEFAULT_REGIONAL_BYTES);
    long maxObject = flags.bytes("max-object-bytes", DEFAULT_MAX_OBJECT_BYTES);
    Vertx vertx = vertx();
    return starting(
        vertx,
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
                      + regional.port()),
              Map.of("regional", regional.port()));
        });
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
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
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
