package io.strata.functions.invoke;

import io.strata.core.time.Clock;
import io.strata.functions.env.Invocation;
import io.strata.functions.env.InvocationResult;
import io.strata.functions.env.Scheduler;
import io.strata.functions.env.Throttled;
import io.strata.functions.model.FunctionRegistry;
import io.strata.functions.model.FunctionVersion;
import io.strata.functions.model.LambdaException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code Event} invocations: accepted at once (202), run in the background; a function error is
 * retried up to {@code MaximumRetryAttempts} (default 2) times with growing delays; when retries
 * are exhausted (or the event is older than {@code MaximumEventAgeInSeconds}) the on-failure
 * destination — another function — is invoked with Lambda's invocation record. Throttled attempts
 * are retried without counting, until the event is too old. Events live in memory: a restart loses
 * queued events, as Lambda's docs warn events may be lost without a destination.
 */
public final class AsyncInvoker {
  private static final System.Logger LOG = System.getLogger(AsyncInvoker.class.getName());

  /** Event-invoke configuration of one function. */
  record Config(int maxRetries, int maxAgeSeconds, String onFailure, String onSuccess) {
    static final Config DEFAULT = new Config(2, 21_600, null, null);
  }

  private final Vertx vertx;
  private final FunctionRegistry registry;
  private final Scheduler scheduler;
  private final Clock clock;
  private final List<Duration> retryDelays;
  private final Map<String, Config> configs = new ConcurrentHashMap<>();

  /**
   * @param retryDelays delay before the first and second retry (Lambda: about 1 and 2 minutes)
   */
  public AsyncInvoker(
      Vertx vertx,
      FunctionRegistry registry,
      Scheduler scheduler,
      Clock clock,
      List<Duration> retryDelays) {
    if (retryDelays.size() < 2) {
      throw new IllegalArgumentException(
          "retryDelays: " + retryDelays + " (expected: at least two delays)");
    }
    this.vertx = vertx;
    this.registry = registry;
    this.scheduler = scheduler;
    this.clock = clock;
    this.retryDelays = List.copyOf(retryDelays);
  }

  JsonObject putConfig(FunctionVersion fn, JsonObject in) {
    Config base = configs.getOrDefault(fn.name(), Config.DEFAULT);
    int retries = in.getInteger("MaximumRetryAttempts", base.maxRetries());
    if (retries < 0 || retries > 2) {
      throw LambdaException.invalidParameter(
          "MaximumRetryAttempts: " + retries + " (expected: 0-2)");
    }
    int age = in.getInteger("MaximumEventAgeInSeconds", base.maxAgeSeconds());
    if (age < 60 || age > 21_600) {
      throw LambdaException.invalidParameter(
          "MaximumEventAgeInSeconds: " + age + " (expected: 60-21600)");
    }
    String onFailure = base.onFailure();
    String onSuccess = base.onSuccess();
    JsonObject dest = in.getJsonObject("DestinationConfig");
    if (dest != null) {
      onFailure = destination(dest.getJsonObject("OnFailure"));
      onSuccess = destination(dest.getJsonObject("OnSuccess"));
    }
    Config c = new Config(retries, age, onFailure, onSuccess);
    configs.put(fn.name(), c);
    JsonObject destOut = new JsonObject();
    if (onFailure != null) {
      destOut.put("OnFailure", new JsonObject().put("Destination", onFailure));
    }
    if (onSuccess != null) {
      destOut.put("OnSuccess", new JsonObject().put("Destination", onSuccess));
    }
    return new JsonObject()
        .put("FunctionArn", fn.name())
        .put("MaximumRetryAttempts", retries)
        .put("MaximumEventAgeInSeconds", age)
        .put("DestinationConfig", destOut);
  }

  private static String destination(JsonObject d) {
    if (d == null || d.getString("Destination") == null) {
      return null;
    }
    String arn = d.getString("Destination");
    if (!arn.contains(":function:") && !arn.matches("[a-zA-Z0-9_-]{1,64}")) {
      throw LambdaException.invalidParameter(
          "Destination: '"
              + arn
              + "' (expected: a function name or ARN; queues and topics are"
              + " not supported)");
    }
    return arn;
  }

  /** Accepts an event; it runs as soon as concurrency allows. */
  void enqueue(FunctionVersion fn, String requestId, byte[] payload, String arn, String trace) {
    attempt(new Event(fn, requestId, payload, arn, trace, clock.millis()), 1);
  }

  private record Event(
      FunctionVersion fn,
      String requestId,
      byte[] payload,
      String arn,
      String trace,
      long receivedMillis) {}

  private void attempt(Event ev, int attempt) {
    Config c = configs.getOrDefault(ev.fn().name(), Config.DEFAULT);
    if (clock.millis() - ev.receivedMillis() > c.maxAgeSeconds() * 1000L) {
      deliver(ev, c.onFailure(), "EventAgeExceeded", attempt - 1, null);
      return;
    }
    Invocation inv = Invocation.of(ev.requestId(), ev.payload(), ev.arn(), ev.trace(), null, null);
    try {
      scheduler
          .invoke(ev.fn(), inv)
          .whenComplete(
              (r, e) -> {
                if (r != null && !r.failed()) {
                  deliver(ev, c.onSuccess(), "Success", attempt, r);
                } else if (attempt <= c.maxRetries()) {
                  Duration d = retryDelays.get(Math.min(attempt - 1, retryDelays.size() - 1));
                  LOG.log(
                      System.Logger.Level.DEBUG,
                      "event {0} of {1} failed (attempt {2}); retrying in {3}",
                      ev.requestId(),
                      ev.fn().key(),
                      attempt,
                      d);
                  vertx.setTimer(Math.max(1, d.toMillis()), t -> attempt(ev, attempt + 1));
                } else {
                  deliver(ev, c.onFailure(), "RetriesExhausted", attempt, r);
                }
              });
    } catch (Throttled t) {
      vertx.setTimer(Math.max(1, retryDelays.get(0).toMillis() / 4), x -> attempt(ev, attempt));
    }
  }

  /** Invokes a destination function with Lambda's invocation record. */
  private void deliver(
      Event ev, String destination, String condition, int attempts, InvocationResult r) {
    if (destination == null) {
      if (!condition.equals("Success")) {
        LOG.log(
            System.Logger.Level.WARNING,
            "event {0} of {1} dropped after {2} attempts ({3}); no on-failure destination",
            ev.requestId(),
            ev.fn().key(),
            attempts,
            condition);
      }
      return;
    }
    JsonObject record =
        new JsonObject()
            .put("version", "1.0")
            .put("timestamp", Instant.ofEpochMilli(clock.millis()).toString())
            .put(
                "requestContext",
                new JsonObject()
                    .put("requestId", ev.requestId())
                    .put(
                        "functionArn",
                        ev.arn()
                            + (ev.arn().endsWith(ev.fn().name()) ? ":" + ev.fn().version() : ""))
                    .put("condition", condition)
                    .put("approximateInvokeCount", attempts))
            .put("requestPayload", parse(ev.payload()));
    if (r != null) {
      JsonObject rc =
          new JsonObject().put("statusCode", 200).put("executedVersion", r.executedVersion());
      if (r.failed()) {
        rc.put("functionError", "Unhandled");
      }
      record.put("responseContext", rc).put("responsePayload", parse(r.payload()));
    }
    try {
      FunctionName target = FunctionName.parse(destination);
      FunctionVersion fn = registry.resolve(target.name(), target.qualifier());
      enqueue(
          fn,
          UUID.randomUUID().toString(),
          record.encode().getBytes(StandardCharsets.UTF_8),
          destination,
          ev.trace());
    } catch (LambdaException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "destination {0} of {1} is unusable: {2}",
          destination,
          ev.fn().name(),
          e.getMessage());
    }
  }

  private static Object parse(byte[] payload) {
    if (payload == null || payload.length == 0) {
      return null;
    }
    try {
      return io.vertx.core.json.Json.decodeValue(io.vertx.core.buffer.Buffer.buffer(payload));
    } catch (RuntimeException e) {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }
}
