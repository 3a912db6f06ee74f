package io.strata.control;

import io.strata.core.config.ConfigException;
import io.strata.core.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds every problem of a distribution document, not only the first. The node configuration parser
 * stops at the first problem, so each part (each alias, origin, behavior) is parsed on its own
 * inside a minimal valid distribution, and the problems found are mapped back to the part's path.
 * Cross-part rules (references between parts, uniqueness) are left to the whole-snapshot parse.
 */
final class DistributionProbes {
  private static final Pattern PROBLEM =
      Pattern.compile("^[^:]*:\\d+:\\d+: distributions\\[0\\]\\.(\\w+)\\[0\\](.*?): (.*)$");
  private static final Pattern DEFAULT_PROBLEM =
      Pattern.compile("^[^:]*:\\d+:\\d+: distributions\\[0\\]\\.defaultBehavior(.*?): (.*)$");

  private DistributionProbes() {}

  /** The problems found part by part, in document order, keyed by field path. */
  static Map<String, String> problems(JsonObject distribution) {
    Map<String, String> found = new LinkedHashMap<>();
    if (distribution.getValue("aliases") instanceof JsonArray aliases) {
      for (int i = 0; i < aliases.size(); i++) {
        JsonObject probe = base();
        probe.put("aliases", new JsonArray().add(aliases.getValue(i)));
        run(probe, "aliases", i, found);
      }
    }
    if (distribution.getValue("origins") instanceof JsonArray origins) {
      for (int i = 0; i < origins.size(); i++) {
        JsonObject probe = base();
        Object origin = origins.getValue(i);
        probe.put("origins", new JsonArray().add(origin));
        if (origin instanceof JsonObject o && o.getValue("id") instanceof String id) {
          probe.put("defaultBehavior", new JsonObject().put("origin", id));
        }
        run(probe, "origins", i, found);
      }
    }
    if (distribution.getValue("defaultBehavior") instanceof JsonObject behavior) {
      JsonObject probe = base();
      probe.put("defaultBehavior", withProbeOrigin(behavior));
      try {
        ConfigLoader.parse(
            new JsonObject().put("distributions", new JsonArray().add(probe)).encode(), "probe");
      } catch (ConfigException e) {
        Matcher m = DEFAULT_PROBLEM.matcher(e.getMessage());
        if (m.matches()) {
          found.putIfAbsent("defaultBehavior" + m.group(1), m.group(2));
        }
      }
    }
    if (distribution.getValue("behaviors") instanceof JsonArray behaviors) {
      for (int i = 0; i < behaviors.size(); i++) {
        JsonObject probe = base();
        Object b = behaviors.getValue(i);
        probe.put(
            "behaviors", new JsonArray().add(b instanceof JsonObject o ? withProbeOrigin(o) : b));
        run(probe, "behaviors", i, found);
      }
    }
    return found;
  }

  /** A behavior whose origin names the probe's origin, so only its own fields are checked. */
  private static JsonObject withProbeOrigin(JsonObject behavior) {
    JsonObject copy = behavior.copy();
    if (copy.getValue("origin") instanceof String) {
      copy.put("origin", "o");
    }
    // Control-plane references are resolved and checked elsewhere.
    copy.remove("cachePolicyId");
    copy.remove("originRequestPolicyId");
    copy.remove("responseHeadersPolicyId");
    return copy;
  }

  private static JsonObject base() {
    return new JsonObject()
        .put("id", "probe")
        .put("aliases", new JsonArray().add("probe.invalid"))
        .put(
            "origins",
            new JsonArray().add(new JsonObject().put("id", "o").put("url", "http://127.0.0.1")))
        .put("defaultBehavior", new JsonObject().put("origin", "o"));
  }

  private static void run(JsonObject probe, String list, int index, Map<String, String> found) {
    try {
      ConfigLoader.parse(
          new JsonObject().put("distributions", new JsonArray().add(probe)).encode(), "probe");
    } catch (ConfigException e) {
      Matcher m = PROBLEM.matcher(e.getMessage());
      if (m.matches() && m.group(1).equals(list)) {
        found.putIfAbsent(list + "[" + index + "]" + m.group(2), m.group(3));
      }
    }
  }

  /** Merges the part-by-part problems with the whole-document one, without repeating a field. */
  static List<ApiError.Problem> merge(Map<String, String> parts, List<ApiError.Problem> whole) {
    List<ApiError.Problem> all = new ArrayList<>();
    parts.forEach((field, problem) -> all.add(new ApiError.Problem(field, problem)));
    for (ApiError.Problem p : whole) {
      if (!parts.containsKey(p.field())) {
        all.add(p);
      }
    }
    return all;
  }
}
