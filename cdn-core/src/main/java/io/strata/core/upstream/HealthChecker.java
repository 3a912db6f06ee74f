package io.strata.core.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.config.HealthCheck;
import io.strata.core.time.Clock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Keeps the {@link HostHealth} of a node's upstream hosts and runs their active checks: one Vert.x
 * periodic timer per host with a check path, each check a GET with its own timeout, off the request
 * path and never blocking. A host nobody has asked about for {@link #IDLE_MILLIS} (an origin that
 * left the configuration) is forgotten and its timer stopped. Health is exported as {@code
 * strata.upstream.healthy} (1 or 0, per target) and {@code strata.upstream.ejections}.
 */
public final class HealthChecker {
  private static final System.Logger LOG = System.getLogger(HealthChecker.class.getName());

  /** How long an unused host is kept. */
  static final long IDLE_MILLIS = 600_000;

  private final Vertx vertx;
  private final HttpClient client;
  private final Clock clock;
  private final MeterRegistry registry;
  private final String role;
  private final String nodeId;
  private final ConcurrentHashMap<String, Tracked> hosts = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public HealthChecker(
      Vertx vertx,
      HttpClient client,
      Clock clock,
      MeterRegistry registry,
      String role,
      String nodeId) {
    this.vertx = vertx;
    this.client = client;
    this.clock = clock;
    this.registry = registry;
    this.role = role;
    this.nodeId = nodeId;
  }

  /**
   * The health of {@code target}, tracked from now on; active checks start when {@code settings}
   * has a path (a changed setting restarts them).
   *
   * @param kind {@code origin} or {@code regional}, for metrics and logs
   * @param target the host's base URL
   * @param hostHeader the {@code Host} a check sends
   * @param healthy which statuses of a check count as healthy
   */
  public HostHealth track(
      String kind, URI target, String hostHeader, HealthCheck settings, IntPredicate healthy) {
    return track(kind, target, hostHeader, settings, healthy, true);
  }

  /**
   * Like {@link #track(String, URI, String, HealthCheck, IntPredicate)}; with {@code
   * forgetWhenIdle} false, the host is checked for as long as this checker runs (a fixed member
   * such as a regional node, whose caller keeps the returned health).
   */
  public HostHealth track(
      String kind,
      URI target,
      String hostHeader,
      HealthCheck settings,
      IntPredicate healthy,
      boolean forgetWhenIdle) {
    String key = kind + ' ' + target;
    long now = clock.millis();
    Tracked tracked = hosts.get(key);
    if (tracked == null) {
      tracked =
          hosts.computeIfAbsent(
              key,
              k ->
                  register(
                      new Tracked(
                          kind, target, hostHeader, healthy, settings, now, forgetWhenIdle)));
    }
    HostHealth health = tracked.health;
    health.used(now);
    if (!health.settings().equals(settings)) {
      synchronized (tracked) {
        if (!health.settings().equals(settings)) {
          health.settings(settings);
          tracked.restart();
        }
      }
    }
    return health;
  }

  /** Counts an ejection by passive outlier detection. */
  public void ejected(String kind, HostHealth health, Throwable cause, int status) {
    Counter.builder("strata.upstream.ejections")
        .description("Hosts taken out by passive outlier detection")
        .tags("role", role, "node", nodeId, "kind", kind)
        .register(registry)
        .increment();
    LOG.log(
        System.Logger.Level.WARNING,
        "{0} {1} ejected after {2} failures in a row (last: {3})",
        kind,
        health.name(),
        health.settings().consecutiveFailures(),
        cause != null ? String.valueOf(cause.getMessage()) : "status " + status);
  }

  /** Stops every check. */
  public void close() {
    closed = true;
    hosts.values().forEach(Tracked::stop);
    hosts.clear();
  }

  private Tracked register(Tracked tracked) {
    tracked.gauge =
        Gauge.builder(
                "strata.upstream.healthy", tracked.health, h -> h.available(clock.millis()) ? 1 : 0)
            .description("1 while an upstream host takes requests (not ejected, checks passing)")
            .tags("role", role, "node", nodeId, "kind", tracked.kind, "target", tracked.name())
            .register(registry);
    tracked.restart();
    return tracked;
  }

  private final class Tracked {
    final String kind;
    final URI target;
    final String hostHeader;
    final IntPredicate healthy;
    final HostHealth health;
    final boolean forgetWhenIdle;
    Meter gauge;
    long timer = -1;
    volatile boolean checking;

    Tracked(
        String kind,
        URI target,
        String hostHeader,
        IntPredicate healthy,
        HealthCheck settings,
        long now,
        boolean forgetWhenIdle) {
      this.kind = kind;
      this.forgetWhenIdle = forgetWhenIdle;
      this.target = target;
      this.hostHeader = hostHeader;
      this.healthy = healthy;
      this.health = new HostHealth(target.toString(), settings, now);
    }

    String name() {
      return target.toString();
    }

    synchronized void restart() {
      stop();
      HealthCheck settings = health.settings();
      if (settings.active() && !closed) {
        timer = vertx.setPeriodic(settings.intervalMs(), t -> tick());
      }
    }

    synchronized void stop() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    private void tick() {
      if (forgetWhenIdle && clock.millis() - health.lastUsedMillis() > IDLE_MILLIS) {
        stop();
        hosts.remove(kind + ' ' + target, this);
        registry.remove(gauge);
        return;
      }
      if (checking) {
        return; // the previous check is still out: its timeout will end it
      }
      checking = true;
      HealthCheck settings = health.settings();
      int port =
          target.getPort() > 0 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
      String host = target.getHost();
      if (host.startsWith("[")) {
        host = host.substring(1, host.length() - 1);
      }
      String prefix = target.getRawPath() == null ? "" : target.getRawPath();
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setServer(SocketAddress.inetSocketAddress(port, host))
              .setSsl("https".equals(target.getScheme()))
              .setURI(prefix + settings.path())
              .setTimeout(settings.timeoutMs())
              .putHeader("Host", hostHeader)
              .putHeader("User-Agent", "strata-health-check")
              .putHeader("Cache-Control", "no-cache");
      client
          .request(options)
          .compose(req -> req.send())
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(
              ar -> {
                checking = false;
                boolean ok = ar.succeeded() && healthy.test(ar.result());
                if (health.checked(ok)) {
                  LOG.log(
                      ok ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                      "{0} {1} is {2} ({3})",
                      kind,
                      name(),
                      ok ? "healthy again" : "unhealthy",
                      ar.succeeded()
                          ? "check answered " + ar.result()
                          : String.valueOf(ar.cause().getMessage()));
                }
              });
    }
  }
}
