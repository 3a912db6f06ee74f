package io.strata.functions.schedule;

import io.strata.core.time.Clock;
import io.strata.functions.env.Invocation;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.env.Scheduler;
import io.strata.functions.model.FunctionRegistry;
import io.strata.functions.model.FunctionVersion;
import io.strata.functions.model.LambdaException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Runs functions on schedules (the CloudWatch Events / EventBridge role). Each due schedule invokes
 * its function with EventBridge's "Scheduled Event" (or the configured constant input); with {@code
 * singleRun} a firing is skipped while the previous run of that schedule is still going. {@link
 * #tick()} is driven by a one-second timer and by tests through the injected clock.
 */
public final class Schedules {
  private static final System.Logger LOG = System.getLogger(Schedules.class.getName());
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,64}");

  private final FunctionRegistry registry;
  private final Scheduler scheduler;
  private final RuntimeSettings settings;
  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /**
   * @param input the event to send, or null for EventBridge's scheduled-event shape
   */
  public record Schedule(
      String name,
      String function,
      String qualifier,
      String expressionText,
      ScheduleExpression expression,
      String input,
      boolean singleRun) {}

  private static final class Entry {
    final Schedule schedule;
    volatile Instant next;
    final AtomicBoolean running = new AtomicBoolean();
    volatile long runs;
    volatile long skipped;

    Entry(Schedule schedule, Instant next) {
      this.schedule = schedule;
      this.next = next;
    }
  }

  public Schedules(
      FunctionRegistry registry, Scheduler scheduler, RuntimeSettings settings, Clock clock) {
    this.registry = registry;
    this.scheduler = scheduler;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Creates or replaces a schedule from {@code {"ScheduleExpression", "Input", "Qualifier",
   * "SingleRun"}}.
   */
  public JsonObject put(String function, String name, JsonObject in) {
    if (!NAME.matcher(name).matches()) {
      throw LambdaException.invalidParameter(
          "Name: '" + name + "' (expected: 1-64 of a-z A-Z 0-9 . _ -)");
    }
    registry.latest(function);
    String text = in.getString("ScheduleExpression");
    ScheduleExpression expr = ScheduleExpression.parse(text);
    String input = in.getString("Input");
    if (input != null) {
      try {
        io.vertx.core.json.Json.decodeValue(input);
      } catch (RuntimeException e) {
        throw LambdaException.invalidParameter("Input: not valid JSON");
      }
    }
    String qualifier = in.getString("Qualifier");
    registry.resolve(function, qualifier);
    Schedule s =
        new Schedule(
            name, function, qualifier, text, expr, input, in.getBoolean("SingleRun", false));
    Entry e = new Entry(s, expr.next(Instant.ofEpochMilli(clock.millis())));
    entries.put(function + "/" + name, e);
    return describe(e);
  }

  public void delete(String function, String name) {
    if (entries.remove(function + "/" + name) == null) {
      throw LambdaException.notFound("Schedule not found: " + function + "/" + name);
    }
  }

  public JsonObject list(String function) {
    JsonArray out = new JsonArray();
    entries.values().stream()
        .filter(e -> e.schedule.function().equals(function))
        .forEach(e -> out.add(describe(e)));
    return new JsonObject().put("Schedules", out);
  }

  /**
   * Makes the schedules exactly {@code wanted} (key {@code function/name} → {@code
   * {"ScheduleExpression", "Input", "Qualifier", "SingleRun"}}), keeping the timing of those whose
   * definition is unchanged. Call after the functions they name are in the registry.
   */
  public void replaceAll(Map<String, JsonObject> wanted) {
    entries.keySet().removeIf(k -> !wanted.containsKey(k));
    for (var w : wanted.entrySet()) {
      String[] parts = w.getKey().split("/", 2);
      JsonObject in = w.getValue();
      Entry current = entries.get(w.getKey());
      if (current != null
          && java.util.Objects.equals(
              current.schedule.expressionText(), in.getString("ScheduleExpression"))
          && java.util.Objects.equals(current.schedule.input(), in.getString("Input"))
          && java.util.Objects.equals(current.schedule.qualifier(), in.getString("Qualifier"))
          && current.schedule.singleRun() == in.getBoolean("SingleRun", false)) {
        continue;
      }
      put(parts[0], parts[1], in);
    }
  }

  /** Removes the schedules of a deleted function. */
  public void forget(String function) {
    entries.keySet().removeIf(k -> k.startsWith(function + "/"));
  }

  private static JsonObject describe(Entry e) {
    Schedule s = e.schedule;
    return new JsonObject()
        .put("Name", s.name())
        .put("FunctionName", s.function())
        .put("Qualifier", s.qualifier())
        .put("ScheduleExpression", s.expressionText())
        .put("SingleRun", s.singleRun())
        .put("NextRun", e.next.toString())
        .put("Runs", e.runs)
        .put("SkippedWhileRunning", e.skipped);
  }

  /** Fires every due schedule once (a schedule that fell behind fires once, not once per miss). */
  public int tick() {
    Instant now = Instant.ofEpochMilli(clock.millis());
    int fired = 0;
    List<Entry> due = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!e.next.isAfter(now)) {
        Instant next = e.schedule.expression().next(e.next);
        while (!next.isAfter(now)) {
          next = e.schedule.expression().next(next);
        }
        e.next = next;
        due.add(e);
      }
    }
    for (Entry e : due) {
      if (fire(e, now)) {
        fired++;
      }
    }
    return fired;
  }

  private boolean fire(Entry e, Instant now) {
    Schedule s = e.schedule;
    if (s.singleRun() && !e.running.compareAndSet(false, true)) {
      e.skipped++;
      LOG.log(
          System.Logger.Level.INFO,
          "schedule {0}/{1} skipped: the previous run is still going",
          s.function(),
          s.name());
      return false;
    }
    e.running.set(true);
    String event =
        s.input() != null
            ? s.input()
            : new JsonObject()
                .put("version", "0")
                .put("id", UUID.randomUUID().toString())
                .put("detail-type", "Scheduled Event")
                .put("source", "aws.events")
                .put("account", settings.accountId())
                .put("time", now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                .put("region", settings.region())
                .put(
                    "resources",
                    new JsonArray()
                        .add(
                            "arn:aws:events:"
                                + settings.region()
                                + ":"
                                + settings.accountId()
                                + ":rule/"
                                + s.name()))
                .put("detail", new JsonObject())
                .encode();
    try {
      FunctionVersion fn = registry.resolve(s.function(), s.qualifier());
      String arn =
          settings.functionArn(s.function()) + (s.qualifier() == null ? "" : ":" + s.qualifier());
      Invocation inv =
          Invocation.of(
              UUID.randomUUID().toString(),
              event.getBytes(StandardCharsets.UTF_8),
              arn,
              null,
              null,
              null);
      e.runs++;
      scheduler.invoke(fn, inv).whenComplete((r, x) -> e.running.set(false));
      return true;
    } catch (LambdaException t) {
      e.running.set(false);
      LOG.log(
          System.Logger.Level.WARNING,
          "schedule {0}/{1} could not run: {2}",
          s.function(),
          s.name(),
          t.getMessage());
      return false;
    }
  }
}
