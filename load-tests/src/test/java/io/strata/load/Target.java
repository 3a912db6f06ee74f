package io.strata.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Strata a simulation drives. By default one already running ({@code ./strata up}); the base
 * URLs come from system properties {@code strata.edge}, {@code strata.admin} and {@code
 * strata.origin}. With {@code -Dstrata.launch=PATH/strata.jar} (the smoke profile) it starts its
 * own {@code strata up} as a child process on free loopback ports, with small byte budgets, and
 * stops it by its PID when the simulation ends.
 */
public final class Target {
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Whether the short smoke variant runs ({@code -Dstrata.smoke=true}). */
  public static final boolean SMOKE = Boolean.getBoolean("strata.smoke");

  /** A run id, so the objects a run creates are cold (distinct keys) in every run. */
  public static final String RUN_ID =
      Long.toString(System.currentTimeMillis(), 36)
          + Long.toString(ProcessHandle.current().pid(), 36);

  /** The admin token of a Strata this run launches: random per run, never printed. */
  private static final String LAUNCH_TOKEN =
      "load-" + java.util.UUID.randomUUID().toString().replace("-", "");

  public final String edge;
  public final String admin;
  public final String origin;

  /** The function runtime's Lambda API (DynamicApi). */
  public final String functions;

  /** The control plane's admin API and a token for it (DynamicApi deploys its function there). */
  public final String controlPlane;

  public final String adminToken;

  private final Process process;
  private final Path gcLog;

  private Target(
      String edge,
      String admin,
      String origin,
      String functions,
      String controlPlane,
      String adminToken,
      Process process,
      Path gcLog) {
    this.edge = edge;
    this.admin = admin;
    this.origin = origin;
    this.functions = functions;
    this.controlPlane = controlPlane;
    this.adminToken = adminToken;
    this.process = process;
    this.gcLog = gcLog;
  }

  /** The repository root ({@code strata.home}): the example keys and configurations. */
  public static Path home() {
    return Path.of(System.getProperty("strata.home", "..")).toAbsolutePath().normalize();
  }

  /** The target named by system properties, started first when {@code strata.launch} is set. */
  public static Target open(String simulation) {
    String jar = System.getProperty("strata.launch");
    if (jar == null || jar.isBlank()) {
      return new Target(
          System.getProperty("strata.edge", "http://127.0.0.1:8080"),
          System.getProperty("strata.admin", "http://127.0.0.1:9091"),
          System.getProperty("strata.origin", "http://127.0.0.1:8000"),
          System.getProperty("strata.functions", "http://127.0.0.1:9300"),
          System.getProperty("strata.controlPlane", "http://127.0.0.1:9090"),
          System.getProperty("strata.adminToken", System.getenv("STRATA_ADMIN_TOKEN")),
          null,
          null);
    }
    return launch(Path.of(jar), simulation);
  }

  /**
   * Stops the child process this target started, if any, waits for it to exit, and prints a summary
   * of its GC log (pauses, full collections, heap after collection).
   */
  public void close() {
    if (process == null) {
      return;
    }
    // The GC log is read before the histogram, whose forced full collection is not the run's.
    String gc;
    try {
      gc = GcLogSummary.of(Files.readAllLines(gcLog)).toString();
    } catch (IOException e) {
      gc = "no GC log (" + e.getMessage() + ")";
    }
    String summary = gc + "; " + liveHeap();
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    System.out.println("Strata GC: " + summary);
    try {
      Files.writeString(gcLog.resolveSibling("gc-summary.txt"), summary + "\n");
    } catch (IOException e) {
      System.err.println("could not write the GC summary: " + e);
    }
  }

  /**
   * The child's live heap: {@code jcmd PID GC.class_histogram} collects fully first, so its total
   * is what is still reachable, the number to hold against the byte budgets.
   */
  private String liveHeap() {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process p =
          new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.class_histogram")
              .redirectErrorStream(true)
              .start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "live heap unknown (jcmd timed out)";
      }
      Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
      return m.find()
          ? String.format("live heap at the end %.1f MiB", Long.parseLong(m.group(1)) / 1048576.0)
          : "live heap unknown (no histogram total)";
    } catch (IOException e) {
      return "live heap unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "live heap unknown (interrupted)";
    }
  }

  private static Target launch(Path jar, String simulation) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "strata.launch: no such file: " + jar + " (build dist first: mvn -B package)");
    }
    Path home = home();
    Path work = workDir().resolve("strata-" + simulation);
    try {
      Files.createDirectories(work);
      // origin, regional, edge, admin, edge TLS, control plane, functions: all free, so a smoke
      // run never collides with a ./strata up (or another build) on the default ports.
      int[] ports = freePorts(7);
      Path config = work.resolve("strata-load.yaml");
      Files.writeString(
          config,
          Files.readString(home.resolve("load-tests/strata-load.yaml"))
              .replace("http://127.0.0.1:8000", "http://127.0.0.1:" + ports[0])
              .replace("http://127.0.0.1:9300", "http://127.0.0.1:" + ports[6]));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command =
          new ArrayList<>(
              List.of(
                  java,
                  "-Xmx" + System.getProperty("strata.launchHeap", "256m"),
                  "-Xlog:gc*:file=" + work.resolve("gc.log"),
                  "-Dstrata.home=" + home,
                  "-jar",
                  jar.toString(),
                  "up",
                  "--config",
                  config.toString(),
                  "--origin-port",
                  Integer.toString(ports[0]),
                  "--regional-port",
                  Integer.toString(ports[1]),
                  "--edge-port",
                  Integer.toString(ports[2]),
                  "--admin-port",
                  Integer.toString(ports[3]),
                  "--edge-tls-port",
                  Integer.toString(ports[4]),
                  "--control-plane-port",
                  Integer.toString(ports[5]),
                  "--functions-port",
                  Integer.toString(ports[6]),
                  "--admin-token",
                  LAUNCH_TOKEN,
                  // A fresh store (control plane, functions) per run, inside target/.
                  "--data",
                  work.resolve("data-" + RUN_ID).toString(),
                  "--edge-cache-bytes",
                  System.getProperty("strata.edgeCacheBytes", "8m"),
                  "--regional-cache-bytes",
                  System.getProperty("strata.regionalCacheBytes", "16m")));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("strata.log").toFile())
              .start();
      // Should the simulation's JVM end without calling close(), Strata must not outlive it.
      Runtime.getRuntime()
          .addShutdownHook(new Thread(process::destroyForcibly, "stop-strata-" + process.pid()));
      Target target =
          new Target(
              "http://127.0.0.1:" + ports[2],
              "http://127.0.0.1:" + ports[3],
              "http://127.0.0.1:" + ports[0],
              "http://127.0.0.1:" + ports[6],
              "http://127.0.0.1:" + ports[5],
              LAUNCH_TOKEN,
              process,
              work.resolve("gc.log"));
      target.awaitHealthy(work.resolve("strata.log"));
      System.out.println(
          "started Strata (pid " + process.pid() + ") for " + simulation + ": edge " + target.edge);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy(Path log) {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Strata exited during start-up; see " + log);
      }
      try {
        if (get(admin + "/health").statusCode() == 200) {
          return;
        }
      } catch (UncheckedIOException e) {
        // Not listening yet.
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new IllegalStateException("Strata did not become healthy within " + STARTUP);
  }

  private static int[] freePorts(int n) throws IOException {
    // Held open together so the n ports differ; a small race with other processes remains.
    ServerSocket[] sockets = new ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
    return ports;
  }

  /** Where runs write their files: {@code strata.work}, else {@code target}. */
  public static Path workDir() {
    return Path.of(System.getProperty("strata.work", "target")).toAbsolutePath();
  }

  /** A GET with the JDK client (outside Gatling's measurements): warm-ups and metric reads. */
  public static HttpResponse<byte[]> get(String url) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The Prometheus text of the admin port. */
  public String metrics() {
    return new String(get(admin + "/metrics").body(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The sum of a Strata meter's samples for one role, read from Prometheus text ({@code
   * strata_cache_hits_total{node="edge-8080",role="edge"} 12.0}); 0 when absent.
   */
  public static double sample(String metrics, String name, String role) {
    return sampleWith(metrics, name, "role=\"" + role + "\"");
  }

  /**
   * The sum of a meter's samples whose labels contain {@code label} (e.g. {@code
   * reason="signature_expired"}); 0 when absent.
   */
  public static double sampleWith(String metrics, String name, String label) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$")
            .matcher(metrics);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).contains(label)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** A POST with the JDK client (outside Gatling's measurements): set-up calls. */
  public static HttpResponse<String> post(String url, String contentType, String body) {
    return post(url, contentType, body, null);
  }

  /** As above, with a bearer token (the control plane's admin API) unless {@code token} is null. */
  public static HttpResponse<String> post(
      String url, String contentType, String body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Requests the origin has answered so far, read from its {@code /api/time} (one more request).
   */
  public long originHits() {
    String json =
        new String(get(origin + "/api/time").body(), java.nio.charset.StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"originHits\":(\\d+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no originHits in " + json);
    }
    return Long.parseLong(m.group(1));
  }

  /** An integer system property, with a different default for the smoke run. */
  public static int intProperty(String name, int full, int smoke) {
    return Integer.parseInt(System.getProperty(name, Integer.toString(SMOKE ? smoke : full)));
  }

  /** Byte size property values as the origin's /gen route takes them: 1k, 16k, 1m. */
  public static String size(String name, String full, String smoke) {
    return System.getProperty(name, SMOKE ? smoke : full).toLowerCase(Locale.ROOT);
  }
}
