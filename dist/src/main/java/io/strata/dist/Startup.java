package io.strata.dist;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.config.ViewerCertificate;
import io.strata.core.routing.Router;
import io.strata.core.server.AdminServer;
import io.strata.core.server.CacheNode;
import io.strata.core.server.Certificates;
import io.strata.core.server.ConnectionLimits;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.server.TlsSettings;
import io.strata.core.viewer.CountryLookup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What every {@code strata} role needs to start: its Vert.x instance and metrics registry,
 * listeners, configuration file, the edge's TLS settings, and waiting for a role with a clear
 * one-line failure.
 */
final class Startup {
  private static final System.Logger LOG = System.getLogger(Startup.class.getName());

  private Startup() {}

  /**
   * The edge's HTTPS listener: the certificate and key from {@code --tls-cert}/{@code --tls-key}
   * (PEM files), or a self-signed development certificate for localhost made at start-up.
   */
  static TlsSettings tls(Flags flags, String host, int port) {
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
  static EdgeOptions edgeOptions(Flags flags, TlsSettings tls) {
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
    ConnectionLimits defaults = ConnectionLimits.DEFAULT;
    int maxConnections =
        (int) number(flags, "max-connections", defaults.maxConnections(), 1, "connections");
    int perIp =
        (int)
            number(
                flags, "max-connections-per-ip", defaults.maxConnectionsPerIp(), 0, "connections");
    long headMillis =
        number(flags, "request-head-timeout-ms", defaults.requestHeadTimeoutMillis(), 1, "ms");
    long stallMillis =
        number(flags, "write-stall-timeout-ms", defaults.writeStallTimeoutMillis(), 1, "ms");
    ConnectionLimits limits =
        defaults.withMaxConnections(maxConnections, perIp).withTimeouts(headMillis, stallMillis);
    return new EdgeOptions(tls, limits, countries);
  }

  private static long number(Flags flags, String flag, long fallback, long min, String unit) {
    String text = flags.get(flag, Long.toString(fallback));
    try {
      long value = Long.parseLong(text);
      if (value < min || value > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new Flags.UsageException(
          "--" + flag + ": '" + text + "' (expected: " + min + " or more " + unit + ")");
    }
  }

  static Router router(Flags flags, Path home) {
    return new Router(ConfigLoader.load(configPath(flags, home.resolve("examples/site.yaml"))));
  }

  /** The repository root (set by the {@code strata} script), or the working directory. */
  static Path home() {
    return Path.of(System.getProperty("strata.home", "."));
  }

  static Path configPath(Flags flags, Path fallback) {
    Path path = Path.of(flags.get("config", fallback.toString()));
    if (!Files.isRegularFile(path)) {
      throw new Flags.UsageException("--config: no such file: " + path);
    }
    return path;
  }

  static ListenOptions listen(String host, int port) {
    return new ListenOptions(host, port, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  static Vertx vertx() {
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    Vertx vertx = StrataVertx.create(options);
    // Each listener runs one instance per available CPU (listen(...)); the pool has Vert.x's
    // default of two loops per CPU, so clients and the other roles of `up` have loops of their own.
    // Under taskset the JVM sees only the CPUs it is pinned to, and both numbers follow.
    LOG.log(
        System.Logger.Level.INFO,
        "transport: {0}; {1} event loops, {2} listener instance(s) per port",
        io.strata.core.server.netty.StrataTransport.of(vertx).name(),
        options.getEventLoopPoolSize(),
        Math.max(1, Runtime.getRuntime().availableProcessors()));
    return vertx;
  }

  static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  /** Waits for a role to start; a port in use becomes one clear line naming the flag to change. */
  static <T> T await(Future<T> future, String role, String host, int port, String flag) {
    return await(future, role, host, port, flag, -1, null);
  }

  /** As above, for a role with an HTTPS listener too: its failures name the TLS port and flag. */
  static <T> T await(
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
          throw new Main.StartupException(
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
      throw new Main.StartupException(
          "cannot start the " + role + " on " + host + ":" + port + ": " + cause);
    } catch (Exception e) {
      throw new Main.StartupException(
          "cannot start the " + role + " on " + host + ":" + port + ": " + e);
    }
  }

  /**
   * Starts the process's admin port ({@code /metrics}, {@code /health}); returns the bound port.
   */
  static int adminServer(
      Vertx vertx,
      String host,
      int adminPort,
      PrometheusMeterRegistry registry,
      List<String> roles) {
    return await(
            AdminServer.start(
                vertx, new ListenOptions(host, adminPort, 1), registry, roles, () -> true),
            "admin",
            host,
            adminPort,
            "admin-port")
        .port();
  }
}
