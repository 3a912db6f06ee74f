package io.strata.functions.control;

import io.strata.functions.bundle.BundleStore;
import io.strata.functions.env.Scheduler;
import io.strata.functions.invoke.FunctionApi;
import io.strata.functions.model.Alias;
import io.strata.functions.model.FunctionConfig;
import io.strata.functions.model.FunctionRegistry;
import io.strata.functions.model.FunctionVersion;
import io.strata.functions.model.Runtime;
import io.strata.functions.schedule.Schedules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes the function runtime follow the control plane, as edge and regional nodes do: it long-polls
 * {@code GET /v1/functions-state?after=V}, fetches code bundles it lacks by SHA-256, and applies
 * each state whole (registry swapped at once, environments of changed functions retired, schedules
 * and access keys replaced). The last state is kept in {@code stateFile} (without access key
 * secrets), so after a restart the runtime serves its functions even while the control plane is
 * down.
 *
 * <p>It runs on one daemon thread of its own: the long-poll, downloads and file writes block, and
 * never on an event loop.
 */
public final class ControlPlaneFollower {
  private static final System.Logger LOG = System.getLogger(ControlPlaneFollower.class.getName());
  private static final long RETRY_MILLIS = 500;

  private final URI controlPlane;
  private final String token;
  private final Path stateFile;
  private final FunctionRegistry registry;
  private final BundleStore bundles;
  private final Scheduler scheduler;
  private final Schedules schedules;
  private final FunctionApi api;
  private final HttpClient http;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile long applied = -1;

  public ControlPlaneFollower(
      URI controlPlane,
      String token,
      Path stateFile,
      FunctionRegistry registry,
      BundleStore bundles,
      Scheduler scheduler,
      Schedules schedules,
      FunctionApi api) {
    this.controlPlane = controlPlane;
    this.token = token;
    this.stateFile = stateFile;
    this.registry = registry;
    this.bundles = bundles;
    this.scheduler = scheduler;
    this.schedules = schedules;
    this.api = api;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    this.thread = new Thread(this::run, "strata-functions-control-plane");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** The function state version last applied, or -1. */
  public long appliedVersion() {
    return applied;
  }

  public void stop() {
    stopped = true;
    thread.interrupt();
  }

  private void run() {
    long after = -1;
    if (Files.exists(stateFile)) {
      try {
        JsonObject saved = new JsonObject(Files.readString(stateFile));
        apply(saved);
        after = saved.getLong("version");
        LOG.log(
            System.Logger.Level.INFO,
            "functions: serving the saved state version {0} until the control plane answers",
            after);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "functions: saved state {0} unusable: {1}",
            stateFile,
            e.toString());
      }
    }
    // The saved state has no secrets: ask for the whole state once even if its version is known.
    boolean keysKnown = false;
    while (!stopped) {
      try {
        HttpResponse<String> r =
            http.send(
                request("/v1/functions-state?after=" + (keysKnown ? after : -1))
                    .timeout(Duration.ofSeconds(60))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 204) {
          continue;
        }
        if (r.statusCode() != 200) {
          LOG.log(
              System.Logger.Level.WARNING,
              "functions: the control plane answered {0}: {1}",
              r.statusCode(),
              r.body());
          Thread.sleep(r.statusCode() == 401 || r.statusCode() == 403 ? 5_000 : RETRY_MILLIS);
          continue;
        }
        JsonObject state = new JsonObject(r.body());
        apply(state);
        save(state);
        after = state.getLong("version");
        keysKnown = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        if (stopped) {
          return;
        }
        LOG.log(
            System.Logger.Level.DEBUG, "functions: control plane unreachable: {0}", e.toString());
        try {
          Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(controlPlane.resolve(pathAndQuery))
        .header("Authorization", "Bearer " + token);
  }

  /** Applies one state whole; a function whose code cannot be had keeps the previous state. */
  void apply(JsonObject state) throws IOException, InterruptedException {
    List<FunctionRegistry.State> functions = new ArrayList<>();
    Map<String, JsonObject> wantedSchedules = new HashMap<>();
    for (Object o : state.getJsonArray("functions", new JsonArray())) {
      JsonObject fn = (JsonObject) o;
      String name = fn.getString("id");
      FunctionVersion latest = version(name, fn, "$LATEST", fn.getString("revision"));
      List<FunctionVersion> versions = new ArrayList<>();
      for (Object v : fn.getJsonArray("versions", new JsonArray())) {
        JsonObject vj = (JsonObject) v;
        versions.add(
            version(
                name, vj, Integer.toString(vj.getInteger("version")), vj.getString("revision")));
      }
      List<Alias> aliases = new ArrayList<>();
      for (Object a : fn.getJsonArray("aliases", new JsonArray())) {
        JsonObject aj = (JsonObject) a;
        aliases.add(
            new Alias(
                aj.getString("name"),
                aj.getString("functionVersion"),
                aj.getString("additionalVersion"),
                aj.getDouble("additionalWeight", 0.0),
                aj.getString("description")));
      }
      for (Object s : fn.getJsonArray("schedules", new JsonArray())) {
        JsonObject sj = (JsonObject) s;
        wantedSchedules.put(
            name + "/" + sj.getString("name"),
            new JsonObject()
                .put("ScheduleExpression", sj.getString("scheduleExpression"))
                .put("Input", sj.getString("input"))
                .put("Qualifier", sj.getString("qualifier"))
                .put("SingleRun", sj.getBoolean("singleRun", false)));
      }
      functions.add(new FunctionRegistry.State(latest, versions, aliases));
    }
    Set<String> changed = registry.replaceAll(functions);
    changed.forEach(scheduler::retire);
    schedules.replaceAll(wantedSchedules);
    if (state.containsKey("accessKeys")) {
      Map<String, String> keys = new HashMap<>();
      for (Object k : state.getJsonArray("accessKeys")) {
        JsonObject kj = (JsonObject) k;
        keys.put(kj.getString("accessKeyId"), kj.getString("secretAccessKey"));
      }
      api.accessKeys(keys);
    }
    applied = state.getLong("version");
    LOG.log(
        System.Logger.Level.INFO,
        "functions: applied control plane state version {0} ({1} functions)",
        applied,
        functions.size());
  }

  private FunctionVersion version(String name, JsonObject spec, String version, String revision)
      throws IOException, InterruptedException {
    JsonObject env = spec.getJsonObject("environment", new JsonObject());
    Map<String, String> variables = new HashMap<>();
    env.forEach(e -> variables.put(e.getKey(), String.valueOf(e.getValue())));
    FunctionConfig config =
        new FunctionConfig(
            name,
            Runtime.parse(spec.getString("runtime")),
            spec.getString("handler"),
            spec.getInteger("memorySize"),
            spec.getInteger("timeout"),
            variables,
            spec.getInteger("reservedConcurrency"),
            spec.getInteger("ephemeralStorage"),
            spec.getString("description"));
    BundleStore.Stored code = bundle(spec.getString("codeSha256"));
    return new FunctionVersion(
        config,
        version,
        name + ":" + version + ":" + revision,
        code.sha256(),
        code.size(),
        code.dir(),
        spec.getString("lastModified", java.time.Instant.now().toString()));
  }

  /** The bundle from the local store, or fetched from the control plane and checked by hash. */
  private BundleStore.Stored bundle(String sha256) throws IOException, InterruptedException {
    BundleStore.Stored stored = bundles.existing(sha256);
    if (stored != null) {
      return stored;
    }
    HttpResponse<byte[]> r =
        http.send(
            request("/v1/function-code/" + sha256).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(
          "code bundle " + sha256 + ": the control plane answered " + r.statusCode());
    }
    stored = bundles.store(r.body());
    if (!stored.sha256().equals(sha256)) {
      throw new IOException("code bundle " + sha256 + " arrived with SHA-256 " + stored.sha256());
    }
    return stored;
  }

  private void save(JsonObject state) throws IOException {
    JsonObject copy = state.copy();
    copy.remove("accessKeys");
    Files.createDirectories(stateFile.getParent());
    Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
    Files.writeString(tmp, copy.encodePrettily());
    Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
