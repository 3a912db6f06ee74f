package io.strata.core.control;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.config.ConfigException;
import io.strata.core.config.ConfigLoader;
import io.strata.core.config.StrataConfig;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps one cache node in step with the control plane: registers it, heartbeats, follows the config
 * stream (long-poll from the last applied version), applies each new snapshot whole with {@link
 * CacheNode#swapRouter} (requests in flight finish on the old one), applies invalidations to the
 * node's store, and persists the applied snapshot so that a restart serves it at once, even while
 * the control plane is unreachable. When the control plane is down the node keeps serving and
 * retries every {@code retryMillis}; it catches up with one poll when the control plane returns.
 *
 * <p>Everything runs on the Vert.x context of {@link #start}; parsing, file writes and store walks
 * go to worker threads.
 */
public final class NodeAgent {
  private static final System.Logger LOG = System.getLogger(NodeAgent.class.getName());

  /**
   * How a node follows the control plane.
   *
   * @param controlPlane the control plane's base URL ({@code http://127.0.0.1:9090})
   * @param token a bearer token with the {@code node} or {@code admin} role
   * @param nodeId this node's id, unique in the fleet
   * @param role {@code edge} or {@code regional}
   * @param address the URL viewers or edges reach this node at
   * @param softwareVersion the Strata version this node runs
   * @param snapshotFile where the last applied snapshot is kept
   * @param heartbeatMillis how often to heartbeat
   * @param retryMillis how long to wait after a failed call before trying again
   * @param trustPem a PEM CA file for an HTTPS control plane, or null for the JVM's trust store
   */
  public record Settings(
      URI controlPlane,
      String token,
      String nodeId,
      String role,
      String address,
      String softwareVersion,
      Path snapshotFile,
      long heartbeatMillis,
      long retryMillis,
      Path trustPem) {
    public Settings {
      requireNonNull(controlPlane, "controlPlane");
      requireNonNull(token, "token");
      requireNonNull(nodeId, "nodeId");
      requireNonNull(role, "role");
      requireNonNull(address, "address");
      requireNonNull(softwareVersion, "softwareVersion");
      requireNonNull(snapshotFile, "snapshotFile");
      if (!"http".equals(controlPlane.getScheme()) && !"https".equals(controlPlane.getScheme())) {
        throw new IllegalArgumentException(
            "controlPlane: " + controlPlane + " (expected: an http or https URL)");
      }
      if (heartbeatMillis < 10 || retryMillis < 10) {
        throw new IllegalArgumentException(
            "heartbeatMillis, retryMillis: "
                + heartbeatMillis
                + ", "
                + retryMillis
                + " (expected: >= 10)");
      }
    }
  }

  private final Vertx vertx;
  private final Settings settings;
  private final CacheNode node;
  private final HttpClient client;
  private final String basePath;
  private volatile long appliedVersion;
  private volatile long rejectedVersion;
  private volatile String rejection;
  private volatile boolean connected;
  private volatile boolean stopped;
  private long heartbeatTimer = -1;
  private final Counter applies;
  private final Counter rejections;
  private final Counter invalidationsApplied;
  private final Counter entriesInvalidated;

  private NodeAgent(Vertx vertx, Settings settings, CacheNode node, MeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.node = node;
    String role = settings.role();
    String id = settings.nodeId();
    Gauge.builder("strata.node.config.version", this, a -> a.appliedVersion)
        .description("The configuration version this node serves")
        .tags("role", role, "node", id)
        .register(registry);
    Gauge.builder("strata.node.control.plane.connected", this, a -> a.connected ? 1 : 0)
        .description("1 while the last call to the control plane succeeded")
        .tags("role", role, "node", id)
        .register(registry);
    this.applies =
        Counter.builder("strata.node.config.applied")
            .description("Configuration snapshots applied")
            .tags("role", role, "node", id)
            .register(registry);
    this.rejections =
        Counter.builder("strata.node.config.rejected")
            .description("Configuration snapshots refused by this node's validation")
            .tags("role", role, "node", id)
            .register(registry);
    this.invalidationsApplied =
        Counter.builder("strata.node.invalidations.applied")
            .description("Invalidations applied to this node's store")
            .tags("role", role, "node", id)
            .register(registry);
    this.entriesInvalidated =
        Counter.builder("strata.node.invalidated.entries")
            .description("Entries removed or marked stale by invalidations")
            .tags("role", role, "node", id)
            .register(registry);
    URI cp = settings.controlPlane();
    boolean tls = "https".equals(cp.getScheme());
    HttpClientOptions options =
        new HttpClientOptions()
            .setDefaultHost(cp.getHost())
            .setDefaultPort(cp.getPort() > 0 ? cp.getPort() : tls ? 443 : 80)
            .setSsl(tls)
            .setConnectTimeout(2000)
            .setKeepAlive(true);
    if (tls && settings.trustPem() != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(settings.trustPem().toString()));
    }
    this.client = vertx.createHttpClient(options);
    String path = cp.getRawPath() == null ? "" : cp.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /**
   * Applies the persisted snapshot, if there is one, then starts following the control plane.
   * Completes once the persisted snapshot is applied; it does not wait for the control plane.
   * Meters ({@code strata.node.*}, tagged with role and node) go to {@code registry}.
   */
  public static Future<NodeAgent> start(
      Vertx vertx, Settings settings, CacheNode node, MeterRegistry registry) {
    NodeAgent agent = new NodeAgent(vertx, settings, node, registry);
    return vertx
        .executeBlocking(() -> readSnapshot(settings.snapshotFile()), false)
        .map(
            persisted -> {
              if (persisted != null) {
                node.swapRouter(new Router(persisted.config()));
                agent.appliedVersion = persisted.version();
                LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: serving persisted snapshot version {1,number,#} from {2}",
                    settings.nodeId(),
                    persisted.version(),
                    settings.snapshotFile());
              }
              agent.register();
              agent.heartbeatTimer =
                  vertx.setPeriodic(settings.heartbeatMillis(), t -> agent.heartbeat());
              return agent;
            });
  }

  /** The configuration version this node serves (0 before the first). */
  public long appliedVersion() {
    return appliedVersion;
  }

  /** The last configuration version this node refused (0 for none). */
  public long rejectedVersion() {
    return rejectedVersion;
  }

  /** Whether the last call to the control plane succeeded. */
  public boolean connected() {
    return connected;
  }

  /** Stops following; the node keeps serving what it has. */
  public Future<Void> stop() {
    stopped = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    return client.close();
  }

  // ---- the follow loop

  private void register() {
    if (stopped) {
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("id", settings.nodeId())
            .put("role", settings.role())
            .put("address", settings.address())
            .put("version", settings.softwareVersion())
            .put("appliedVersion", appliedVersion);
    call(HttpMethod.POST, "/v1/nodes", body)
        .onSuccess(
            r -> {
              if (r.status() == 200) {
                connected = true;
                LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: registered with the control plane at {1}",
                    settings.nodeId(),
                    settings.controlPlane());
                poll();
              } else {
                LOG.log(
                    System.Logger.Level.ERROR,
                    "{0}: the control plane refused registration: {1} {2}",
                    settings.nodeId(),
                    r.status(),
                    r.body());
                muchLater(this::register);
              }
            })
        .onFailure(e -> disconnected(e, this::register));
  }

  private void poll() {
    if (stopped) {
      return;
    }
    // After refusing a version, wait for the next one; the control plane still hears which
    // version this node serves, and sends the invalidations since that one.
    String uri =
        "/v1/nodes/stream?after="
            + Math.max(appliedVersion, rejectedVersion)
            + "&applied="
            + appliedVersion
            + "&node="
            + urlEncode(settings.nodeId());
    call(HttpMethod.GET, uri, null)
        .onSuccess(
            r -> {
              connected = true;
              if (r.status() == 204) {
                poll();
              } else if (r.status() == 200) {
                JsonObject update = new JsonObject(r.body());
                apply(update)
                    .onSuccess(v -> poll())
                    .onFailure(
                        e -> {
                          if (e instanceof ConfigException
                              || e instanceof IllegalArgumentException) {
                            reject(update.getLong("version"), e);
                            poll();
                            return;
                          }
                          LOG.log(
                              System.Logger.Level.ERROR,
                              "{0}: cannot apply the control plane''s snapshot: {1}",
                              settings.nodeId(),
                              e.getMessage());
                          muchLater(this::poll);
                        });
              } else {
                LOG.log(
                    System.Logger.Level.ERROR,
                    "{0}: config stream answered {1}: {2}",
                    settings.nodeId(),
                    r.status(),
                    r.body());
                muchLater(r.status() == 404 ? this::register : this::poll);
              }
            })
        .onFailure(e -> disconnected(e, this::poll));
  }

  /** Parses and persists on a worker, then swaps the router and applies invalidations. */
  private Future<Void> apply(JsonObject update) {
    long version = update.getLong("version");
    JsonObject document = update.getJsonObject("config");
    JsonArray invalidationList = update.getJsonArray("invalidations", new JsonArray());
    return vertx
        .executeBlocking(
            () -> {
              StrataConfig config =
                  ConfigLoader.parse(document.encode(), "control plane version " + version);
              List<Invalidation> invalidations = parseInvalidations(invalidationList);
              int removed = 0;
              for (Invalidation inv : invalidations) {
                removed +=
                    inv.soft()
                        ? node.store().markStaleIf(inv::covers)
                        : node.store().invalidateIf(inv::covers);
              }
              writeSnapshot(settings.snapshotFile(), version, document);
              invalidationsApplied.increment(invalidations.size());
              entriesInvalidated.increment(removed);
              if (!invalidations.isEmpty()) {
                LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: applied {1} invalidation(s), {2} entries removed or marked stale",
                    settings.nodeId(),
                    invalidations.size(),
                    removed);
              }
              return config;
            },
            false)
        .map(
            config -> {
              node.swapRouter(new Router(config));
              appliedVersion = version;
              applies.increment();
              LOG.log(
                  System.Logger.Level.DEBUG,
                  "{0}: applied configuration version {1,number,#}",
                  settings.nodeId(),
                  version);
              return null;
            });
  }

  /**
   * A version that fails this node's validation is refused: the node keeps serving the version it
   * has, tells the control plane why at once (and with each heartbeat), and waits for the next
   * version.
   */
  private void reject(long version, Throwable e) {
    rejectedVersion = version;
    rejection = String.valueOf(e.getMessage());
    rejections.increment();
    LOG.log(
        System.Logger.Level.ERROR,
        "{0}: refused configuration version {1,number,#}: {2}; still serving version {3,number,#}",
        settings.nodeId(),
        version,
        rejection,
        appliedVersion);
    heartbeat();
  }

  private void heartbeat() {
    if (stopped || !connected) {
      return;
    }
    JsonObject body = new JsonObject().put("appliedVersion", appliedVersion);
    if (rejectedVersion > appliedVersion) {
      body.put("rejectedVersion", rejectedVersion).put("rejection", rejection);
    }
    call(HttpMethod.POST, "/v1/nodes/" + urlEncode(settings.nodeId()) + "/heartbeat", body)
        .onSuccess(
            r -> {
              if (r.status() == 404) {
                // The control plane lost this node (a new database): register again.
                register();
              }
            })
        .onFailure(
            e ->
                LOG.log(
                    System.Logger.Level.DEBUG,
                    "{0}: heartbeat failed: {1}",
                    settings.nodeId(),
                    e.toString()));
  }

  private void disconnected(Throwable e, Runnable retry) {
    if (connected) {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0}: control plane unreachable ({1}); serving version {2,number,#} and retrying",
          settings.nodeId(),
          e.toString(),
          appliedVersion);
    }
    connected = false;
    later(retry);
  }

  private void later(Runnable action) {
    later(action, settings.retryMillis());
  }

  /** A refusal (bad token, unusable snapshot) is not cured by retrying fast: wait longer. */
  private void muchLater(Runnable action) {
    later(action, settings.retryMillis() * 10);
  }

  private void later(Runnable action, long delayMillis) {
    if (!stopped) {
      vertx.setTimer(delayMillis, t -> action.run());
    }
  }

  private record Reply(int status, String body) {}

  private Future<Reply> call(HttpMethod method, String uri, JsonObject body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setURI(basePath + uri)
            .putHeader("Authorization", "Bearer " + settings.token())
            // Long enough for a held long-poll; a dead connection is noticed by the idle timeout.
            .setIdleTimeout(90_000);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client
        .request(options)
        .compose(r -> body == null ? r.send() : r.send(body.toBuffer()))
        .compose(r -> r.body().map(b -> new Reply(r.statusCode(), b.toString())));
  }

  private static String urlEncode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- snapshot file and invalidations

  /** A persisted snapshot: its version and configuration. */
  record Persisted(long version, StrataConfig config) {}

  /** Reads a persisted snapshot; null when there is none or it cannot be used (logged). */
  static Persisted readSnapshot(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      JsonObject json = new JsonObject(Buffer.buffer(Files.readAllBytes(file)));
      long version = json.getLong("version");
      StrataConfig config =
          ConfigLoader.parse(json.getJsonObject("config").encode(), file.toString());
      return new Persisted(version, config);
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "ignoring the persisted snapshot {0}: {1}",
          file,
          e.toString());
      return null;
    }
  }

  /** Writes the snapshot to a temporary file and renames it over the old one (atomic). */
  static void writeSnapshot(Path file, long version, JsonObject document) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.write(
          tmp,
          new JsonObject()
              .put("version", version)
              .put("config", document)
              .encodePrettily()
              .getBytes(StandardCharsets.UTF_8));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static List<Invalidation> parseInvalidations(JsonArray list) {
    List<Invalidation> out = new ArrayList<>();
    for (Object o : list) {
      JsonObject json = (JsonObject) o;
      List<InvalidationPath> paths = new ArrayList<>();
      for (Object p : json.getJsonArray("paths", new JsonArray())) {
        paths.add(InvalidationPath.parse(String.valueOf(p)));
      }
      Set<String> tags = new HashSet<>();
      json.getJsonArray("tags", new JsonArray()).forEach(t -> tags.add(String.valueOf(t)));
      out.add(
          new Invalidation(
              json.getString("id"),
              json.getString("distributionId"),
              paths,
              tags,
              json.getString("tagHeader"),
              json.getBoolean("soft", false)));
    }
    return out;
  }
}
