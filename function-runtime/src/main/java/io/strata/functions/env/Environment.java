package io.strata.functions.env;

import io.strata.core.time.Clock;
import io.strata.functions.model.FunctionVersion;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One execution environment: a child process running a Lambda runtime, and the Runtime API
 * (2018-06-01) it talks to, served on its own loopback port so every request is unambiguously this
 * environment's. One invocation at a time, as in Lambda.
 *
 * <p>{@code /next} is held open until an invocation is dispatched; it is never answered with an
 * error (the official Java client crashes on that). A runtime that times out, exceeds the init
 * limit or exits is killed, and its invocation completes with the matching error.
 */
public final class Environment {
  private static final System.Logger LOG = System.getLogger(Environment.class.getName());
  private static final String PREFIX = "/2018-06-01/runtime/";
  private static final String INVOCATION = PREFIX + "invocation/";
  public static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

  private final Vertx vertx;
  private final FunctionVersion fn;
  private final RuntimeSettings settings;
  private final Launcher launcher;
  private final Clock clock;
  private final String id;
  private final Consumer<Environment> onDeath;

  private HttpServer server;
  private Process process;
  private Path tmpDir;
  private long startNanos;
  private long initTimer = -1;
  private long timeoutTimer = -1;
  private boolean ready;
  private double initDurationMs = -1;
  private boolean initDurationReported;
  private HttpServerRequest parkedNext;
  private Invocation current;
  private Invocation last;
  private long sentNanos;
  private boolean dead;
  private volatile long lastUsedMillis;
  private final LogBuffer initLog = new LogBuffer();
  private boolean provisioned;
  private Runnable onReady;

  public Environment(
      Vertx vertx,
      FunctionVersion fn,
      RuntimeSettings settings,
      Launcher launcher,
      Clock clock,
      String id,
      Consumer<Environment> onDeath) {
    this.vertx = vertx;
    this.fn = fn;
    this.settings = settings;
    this.launcher = launcher;
    this.clock = clock;
    this.id = id;
    this.onDeath = onDeath;
    this.lastUsedMillis = clock.millis();
  }

  public String id() {
    return id;
  }

  public FunctionVersion function() {
    return fn;
  }

  public long lastUsedMillis() {
    return lastUsedMillis;
  }

  public synchronized boolean isDead() {
    return dead;
  }

  /** The child process id, or -1 before it started. */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /**
   * Starts the Runtime API server and the runtime process with {@code first} waiting for its first
   * {@code /next}. Failures complete {@code first} with an error.
   */
  public void start(Invocation first) {
    synchronized (this) {
      current = first;
    }
    listenAndLaunch();
  }

  /**
   * Starts a provisioned (pre-warmed) environment: it initialises with no invocation waiting and
   * calls {@code onReady} once its runtime asks for work. Its invocations report no Init Duration,
   * as in Lambda.
   */
  public void provision(Runnable onReady) {
    synchronized (this) {
      provisioned = true;
      initDurationReported = true;
      this.onReady = onReady;
    }
    listenAndLaunch();
  }

  public synchronized boolean isProvisioned() {
    return provisioned;
  }

  private void listenAndLaunch() {
    vertx
        .createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(0))
        .requestHandler(this::handle)
        .listen(0, "127.0.0.1")
        .compose(
            s -> {
              synchronized (this) {
                server = s;
              }
              return vertx.executeBlocking(() -> launch(s.actualPort()), false);
            })
        .onFailure(
            e -> kill("Runtime.StartError", "could not start the runtime: " + e.getMessage()));
  }

  private Void launch(int port) throws IOException {
    Path base = settings.dataDir().resolve("tmp");
    Files.createDirectories(base);
    Path tmp = Files.createTempDirectory(base, fn.name() + "-");
    synchronized (this) {
      tmpDir = tmp;
      if (dead) {
        return null;
      }
    }
    if (fn.config().runtime() == io.strata.functions.model.Runtime.PROVIDED
        && !Files.isExecutable(fn.codeDir().resolve("bootstrap"))) {
      kill(
          "Runtime.InvalidEntrypoint",
          "the bundle has no executable 'bootstrap' file (required by the provided runtime)");
      return null;
    }
    ProcessBuilder pb = launcher.command(fn, "127.0.0.1:" + port, tmp, id, isProvisioned());
    Process p;
    synchronized (this) {
      startNanos = System.nanoTime();
      p = pb.start();
      process = p;
      initTimer =
          vertx.setTimer(
              settings.initTimeout().toMillis(),
              t ->
                  kill(
                      "Sandbox.Timedout",
                      String.format(
                          Locale.ROOT,
                          "Init timed out after %.2f seconds",
                          settings.initTimeout().toMillis() / 1000.0)));
    }
    pump(p.getInputStream(), "stdout");
    pump(p.getErrorStream(), "stderr");
    p.onExit().thenRun(() -> exited(p.exitValue()));
    return null;
  }

  /**
   * Copies a stream of the runtime into the current invocation's log, line by line. Text without a
   * final newline (Lambda's Java logger writes {@code log("...")} without one) is logged as it
   * stands once no more text follows within a few milliseconds, so nothing waits for a newline that
   * may never come. Runs on its own thread, where waiting is harmless.
   */
  private void pump(InputStream stream, String name) {
    Thread t =
        new Thread(
            () -> {
              StringBuilder partial = new StringBuilder();
              try (InputStreamReader r = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                char[] buf = new char[8192];
                int n;
                while ((n = r.read(buf)) > 0) {
                  int start = 0;
                  for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                      partial.append(buf, start, i - start);
                      log(partial.toString());
                      partial.setLength(0);
                      start = i + 1;
                    }
                  }
                  partial.append(buf, start, n - start);
                  for (int wait = 0; wait < 3 && partial.length() > 0 && !r.ready(); wait++) {
                    Thread.sleep(1);
                  }
                  if (partial.length() > 0 && !r.ready()) {
                    log(partial.toString());
                    partial.setLength(0);
                  }
                }
              } catch (IOException e) {
                // The process ended; nothing more to read.
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fn-" + id + "-" + name);
    t.setDaemon(true);
    t.start();
  }

  private void log(String line) {
    LogBuffer target;
    synchronized (this) {
      // Text that arrives just after an invocation ended still belongs to it.
      target = current != null ? current.log() : last != null ? last.log() : initLog;
    }
    target.line(line);
    LOG.log(System.Logger.Level.DEBUG, "{0} {1}: {2}", fn.key(), id, line);
  }

  /** Hands an invocation to this (idle, warm) environment. */
  public void dispatch(Invocation invocation) {
    HttpServerRequest next;
    synchronized (this) {
      if (dead) {
        invocation.result().complete(error(invocation, "Runtime.ExitError", "environment ended"));
        return;
      }
      current = invocation;
      next = parkedNext;
      parkedNext = null;
    }
    if (next != null) {
      send(next, invocation);
    }
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals(INVOCATION + "next") && req.method().name().equals("GET")) {
      next(req);
    } else if (path.equals(PREFIX + "init/error") && req.method().name().equals("POST")) {
      body(req, b -> initError(req, b));
    } else if (path.startsWith(INVOCATION) && req.method().name().equals("POST")) {
      String rest = path.substring(INVOCATION.length());
      int slash = rest.indexOf('/');
      String requestId = slash < 0 ? "" : rest.substring(0, slash);
      String what = slash < 0 ? "" : rest.substring(slash + 1);
      switch (what) {
        case "response" -> body(req, b -> response(req, requestId, b));
        case "error" -> body(req, b -> reportedError(req, requestId, b));
        default -> reply(req.response(), 404, "InvalidRequest", "unknown path " + path);
      }
    } else {
      reply(req.response(), 404, "InvalidRequest", "unknown path " + path);
    }
  }

  private void next(HttpServerRequest req) {
    Invocation ready;
    Runnable becameReady = null;
    synchronized (this) {
      if (!this.ready) {
        this.ready = true;
        initDurationMs = (System.nanoTime() - startNanos) / 1e6;
        vertx.cancelTimer(initTimer);
        becameReady = onReady;
      }
      if (current != null && sentNanos == 0) {
        ready = current;
      } else {
        ready = null;
        parkedNext = req;
      }
    }
    if (becameReady != null) {
      becameReady.run();
    }
    if (ready != null) {
      send(req, ready);
    } else {
      req.connection()
          .closeHandler(
              v -> {
                synchronized (this) {
                  if (parkedNext == req) {
                    parkedNext = null;
                  }
                }
              });
    }
  }

  private void send(HttpServerRequest next, Invocation inv) {
    long deadline;
    synchronized (this) {
      sentNanos = System.nanoTime();
      // A wire value for the runtime (its remaining-time arithmetic uses the real clock).
      deadline = System.currentTimeMillis() + fn.config().timeoutSeconds() * 1000L;
      long timeoutMs = fn.config().timeoutSeconds() * 1000L;
      timeoutTimer = vertx.setTimer(timeoutMs, t -> timedOut(inv));
    }
    if (!initDurationReported) {
      for (String line : initLog.text().split("\n")) {
        if (!line.isEmpty()) {
          inv.log().line(line);
        }
      }
    }
    inv.log().line("START RequestId: " + inv.requestId() + " Version: " + fn.version());
    HttpServerResponse r = next.response();
    r.putHeader("Lambda-Runtime-Aws-Request-Id", inv.requestId());
    r.putHeader("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
    r.putHeader("Lambda-Runtime-Invoked-Function-Arn", inv.invokedArn());
    r.putHeader("Content-Type", "application/json");
    if (inv.traceId() != null) {
      r.putHeader("Lambda-Runtime-Trace-Id", inv.traceId());
    }
    if (inv.clientContext() != null) {
      r.putHeader("Lambda-Runtime-Client-Context", inv.clientContext());
    }
    if (inv.cognitoIdentity() != null) {
      r.putHeader("Lambda-Runtime-Cognito-Identity", inv.cognitoIdentity());
    }
    r.end(Buffer.buffer(inv.payload()));
  }

  /** Reads a request body up to the response limit; a larger one fails the invocation. */
  private void body(HttpServerRequest req, Consumer<Buffer> then) {
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(
        chunk -> {
          if (over[0]) {
            return;
          }
          if (body.length() + chunk.length() > MAX_RESPONSE_BYTES) {
            over[0] = true;
            reply(req.response(), 413, "RequestEntityTooLarge", "response exceeds 6291456 bytes");
            Invocation inv;
            synchronized (this) {
              inv = current;
            }
            if (inv != null) {
              finish(
                  inv,
                  "Function.ResponseSizeTooLarge",
                  errorJson(
                      "Response payload size exceeded maximum allowed payload size (6291456"
                          + " bytes).",
                      "Function.ResponseSizeTooLarge"));
            }
            return;
          }
          body.appendBuffer(chunk);
        });
    req.endHandler(
        v -> {
          if (!over[0]) {
            then.accept(body);
          }
        });
  }

  private Invocation currentFor(HttpServerRequest req, String requestId) {
    synchronized (this) {
      if (current != null && sentNanos != 0 && current.requestId().equals(requestId)) {
        return current;
      }
    }
    reply(req.response(), 400, "InvalidRequestID", "no invocation in flight with id " + requestId);
    return null;
  }

  private void response(HttpServerRequest req, String requestId, Buffer body) {
    Invocation inv = currentFor(req, requestId);
    if (inv == null) {
      return;
    }
    req.response()
        .setStatusCode(202)
        .putHeader("Content-Type", "application/json")
        .end("{\"status\":\"OK\"}");
    finish(inv, null, body.getBytes());
  }

  private void reportedError(HttpServerRequest req, String requestId, Buffer body) {
    Invocation inv = currentFor(req, requestId);
    if (inv == null) {
      return;
    }
    req.response()
        .setStatusCode(202)
        .putHeader("Content-Type", "application/json")
        .end("{\"status\":\"OK\"}");
    String header = req.getHeader("Lambda-Runtime-Function-Error-Type");
    byte[] payload = normalizedError(body, header);
    finish(inv, header == null ? "Unhandled" : header, payload);
  }

  private void initError(HttpServerRequest req, Buffer body) {
    req.response()
        .setStatusCode(202)
        .putHeader("Content-Type", "application/json")
        .end("{\"status\":\"OK\"}");
    String header = req.getHeader("Lambda-Runtime-Function-Error-Type");
    Invocation inv;
    synchronized (this) {
      inv = current;
    }
    if (inv != null) {
      finish(inv, header == null ? "Runtime.InitError" : header, normalizedError(body, header));
    }
    kill(null, null);
  }

  /** The runtime's error body when it is a JSON object; otherwise Lambda's shape around it. */
  private static byte[] normalizedError(Buffer body, String type) {
    try {
      JsonObject json = body.length() == 0 ? null : body.toJsonObject();
      if (json != null) {
        return body.getBytes();
      }
    } catch (RuntimeException e) {
      // Not JSON: wrapped below.
    }
    return errorJson(
        body.length() == 0 ? "Unknown error" : body.toString(StandardCharsets.UTF_8),
        type == null ? "Unhandled" : type);
  }

  /** A Runtime API error answer ({@code errorMessage}/{@code errorType}), as RIE renders them. */
  private static void reply(HttpServerResponse resp, int status, String type, String message) {
    if (resp.ended()) {
      return;
    }
    resp.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("errorMessage", message).put("errorType", type).encode());
  }

  static byte[] errorJson(String message, String type) {
    return new JsonObject()
        .put("errorMessage", message)
        .put("errorType", type)
        .put("stackTrace", new JsonArray())
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }

  private void timedOut(Invocation inv) {
    double seconds;
    synchronized (this) {
      if (current != inv) {
        return;
      }
      seconds = (System.nanoTime() - sentNanos) / 1e9;
    }
    String message =
        String.format(
            Locale.ROOT,
            "RequestId: %s Error: Task timed out after %.2f seconds",
            inv.requestId(),
            seconds);
    inv.log()
        .line(message.replace("RequestId: " + inv.requestId() + " Error: ", inv.requestId() + " "));
    kill("Sandbox.Timedout", message);
  }

  private void exited(int status) {
    boolean wasDead;
    synchronized (this) {
      wasDead = dead;
    }
    if (!wasDead) {
      kill(
          "Runtime.ExitError",
          "RequestId: "
              + requestIdOrNone()
              + " Error: Runtime exited with error: exit status "
              + status);
    }
  }

  private synchronized String requestIdOrNone() {
    return current == null ? "-" : current.requestId();
  }

  /**
   * Completes the current invocation: the result with its duration, billed time and the memory
   * high-water mark, then the END and REPORT lines. Reading {@code /proc} is a read of kernel
   * memory, not disk I/O, so it is done inline.
   */
  private void finish(Invocation inv, String errorType, byte[] payload) {
    finish(inv, errorType, payload, -1);
  }

  /**
   * @param knownMemoryMb the memory high-water mark when already read, else -1
   */
  private void finish(Invocation inv, String errorType, byte[] payload, int knownMemoryMb) {
    double durationMs;
    double init;
    synchronized (this) {
      if (current != inv) {
        return;
      }
      current = null;
      last = inv;
      durationMs = sentNanos == 0 ? 0 : (System.nanoTime() - sentNanos) / 1e6;
      sentNanos = 0;
      vertx.cancelTimer(timeoutTimer);
      init = initDurationReported || !ready ? -1 : initDurationMs;
      if (ready) {
        initDurationReported = true;
      }
      lastUsedMillis = clock.millis();
    }
    int maxMemory = knownMemoryMb >= 0 ? knownMemoryMb : MemoryUsage.maxUsedMb(pid());
    // Since August 2025 Lambda bills the init phase of on-demand functions too.
    long billed = (long) Math.ceil(durationMs + Math.max(0, init));
    inv.log().line("END RequestId: " + inv.requestId());
    inv.log()
        .line(
            String.format(
                    Locale.ROOT,
                    "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size:"
                        + " %d MB\tMax Memory Used: %d MB\t",
                    inv.requestId(),
                    durationMs,
                    billed,
                    fn.config().memoryMb(),
                    maxMemory)
                + (init >= 0 ? String.format(Locale.ROOT, "Init Duration: %.2f ms\t", init) : ""));
    inv.result()
        .complete(
            new InvocationResult(
                inv.requestId(),
                errorType,
                payload,
                fn.version(),
                durationMs,
                billed,
                maxMemory,
                init,
                inv.log()));
  }

  private InvocationResult error(Invocation inv, String type, String message) {
    return new InvocationResult(
        inv.requestId(), type, errorJson(message, type), fn.version(), 0, 0, 0, -1, inv.log());
  }

  /**
   * Stops the environment: kills the process tree and closes its Runtime API. An invocation in
   * flight fails with {@code errorType} (when given).
   */
  public void kill(String errorType, String message) {
    Invocation inv;
    Process p;
    HttpServer s;
    HttpServerRequest parked;
    Path tmp;
    synchronized (this) {
      if (dead) {
        return;
      }
      // Dead first: the scheduler never hands this environment another invocation.
      dead = true;
      inv = current;
      p = process;
      s = server;
      tmp = tmpDir;
      parked = parkedNext;
      parkedNext = null;
      vertx.cancelTimer(initTimer);
    }
    // Out of the scheduler's books and the process stopped before the invocation completes, so
    // no one sees this environment alive afterwards.
    onDeath.accept(this);
    int memory = p == null ? 0 : MemoryUsage.maxUsedMb(p.pid());
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    if (inv != null) {
      String type = errorType == null ? "Runtime.ExitError" : errorType;
      String text = message == null ? "the environment was stopped" : message;
      inv.log().line(text);
      finish(inv, type, errorJson(text, type), memory);
    }
    if (parked != null) {
      parked.connection().close();
    }
    if (s != null) {
      s.close();
    }
    if (tmp != null) {
      vertx.executeBlocking(
          () -> {
            io.strata.functions.bundle.BundleStore.deleteTreeQuietly(tmp);
            return null;
          },
          false);
    }
  }

  /** For tests and the scheduler: whether a runtime is parked on {@code /next} right now. */
  public synchronized boolean isWaitingForWork() {
    return parkedNext != null;
  }
}
