package io.strata.control;

import io.strata.core.config.ConfigException;
import io.strata.core.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the configuration document a node applies from the stored resources, in the shape {@link
 * ConfigLoader} reads ({@code distributions:} and so on), and checks it by parsing it the way a
 * node will. Keeping resources as JSON documents means the control plane needs no change when the
 * node configuration gains fields: whatever {@code ConfigLoader} accepts, the control plane stores.
 *
 * <p>Control-plane-only fields are resolved here: a behavior's {@code cachePolicyId}, {@code
 * originRequestPolicyId} and {@code responseHeadersPolicyId} are replaced by the named policy's
 * document (inlined as {@code cachePolicy}, {@code originRequestPolicy}, {@code
 * responseHeadersPolicy}); a distribution's {@code cacheTagHeader} is removed (nodes receive it
 * with each tag invalidation); key groups trusted by a behavior and their public keys are emitted
 * as top-level {@code keyGroups} and {@code publicKeys}.
 */
final class Snapshot {
  /** Fields of a policy document that describe it rather than configure it. */
  private static final Set<String> DESCRIPTIVE_FIELDS = Set.of("id", "comment", "name");

  private static final Pattern ERROR =
      Pattern.compile("^[^:]*:\\d+:\\d+: distributions\\[(\\d+)\\](?:\\.(.*?))?: (.*)$");
  private static final Pattern FIELD_PROBLEM = Pattern.compile("^(\\S+?): (.*)$");

  private final Map<ResourceKind, Map<String, JsonObject>> resources;

  /** Sorted copies, so the same resources always give the same document. */
  Snapshot(Map<ResourceKind, Map<String, JsonObject>> resources) {
    this.resources = new EnumMap<>(ResourceKind.class);
    for (ResourceKind kind : ResourceKind.values()) {
      this.resources.put(kind, new TreeMap<>(resources.getOrDefault(kind, Map.of())));
    }
  }

  /** The configuration document nodes apply. */
  JsonObject document() {
    JsonArray distributions = new JsonArray();
    Set<String> keyGroups = new TreeSet<>();
    Set<String> headerPolicies = new TreeSet<>();
    for (JsonObject d : resources.get(ResourceKind.DISTRIBUTION).values()) {
      JsonObject copy = d.copy();
      copy.remove("cacheTagHeader");
      copy.remove("comment");
      if (copy.getValue("defaultBehavior") instanceof JsonObject b) {
        resolveBehavior(b, keyGroups, headerPolicies);
      }
      if (copy.getValue("behaviors") instanceof JsonArray list) {
        for (Object b : list) {
          if (b instanceof JsonObject behavior) {
            resolveBehavior(behavior, keyGroups, headerPolicies);
          }
        }
      }
      distributions.add(copy);
    }
    JsonObject doc = new JsonObject().put("distributions", distributions);
    if (!headerPolicies.isEmpty()) {
      // Nodes read response headers policies from the top level, named by id in each behavior.
      JsonArray policies = new JsonArray();
      for (String id : headerPolicies) {
        JsonObject policy = resources.get(ResourceKind.RESPONSE_HEADERS_POLICY).get(id);
        if (policy != null) {
          policies.add(withoutDescriptiveFields(policy).put("id", id));
        }
      }
      doc.put("responseHeadersPolicies", policies);
    }
    if (!keyGroups.isEmpty()) {
      JsonArray groups = new JsonArray();
      Set<String> keys = new TreeSet<>();
      for (String id : keyGroups) {
        JsonObject group = resources.get(ResourceKind.KEY_GROUP).get(id);
        if (group != null) {
          groups.add(group.copy());
          if (group.getValue("keys") instanceof JsonArray ids) {
            ids.forEach(k -> keys.add(String.valueOf(k)));
          }
        }
      }
      JsonArray publicKeys = new JsonArray();
      for (String id : keys) {
        JsonObject key = resources.get(ResourceKind.PUBLIC_KEY).get(id);
        if (key != null) {
          publicKeys.add(key.copy());
        }
      }
      doc.put("publicKeys", publicKeys).put("keyGroups", groups);
    }
    return doc;
  }

  private void resolveBehavior(
      JsonObject behavior, Set<String> keyGroups, Set<String> headerPolicies) {
    inline(behavior, "cachePolicyId", "cachePolicy", ResourceKind.CACHE_POLICY);
    inline(
        behavior,
        "originRequestPolicyId",
        "originRequestPolicy",
        ResourceKind.ORIGIN_REQUEST_POLICY);
    if (behavior.remove("responseHeadersPolicyId") instanceof String id) {
      behavior.put("responseHeadersPolicy", id);
    }
    if (behavior.getValue("responseHeadersPolicy") instanceof String id) {
      headerPolicies.add(id);
    }
    if (behavior.getValue("trustedKeyGroups") instanceof JsonArray groups) {
      groups.forEach(g -> keyGroups.add(String.valueOf(g)));
    }
  }

  private void inline(JsonObject behavior, String refField, String field, ResourceKind kind) {
    if (!(behavior.getValue(refField) instanceof String id)) {
      return;
    }
    JsonObject policy = resources.get(kind).get(id);
    behavior.remove(refField);
    if (policy != null) {
      behavior.put(field, withoutDescriptiveFields(policy));
    }
  }

  private static JsonObject withoutDescriptiveFields(JsonObject resource) {
    JsonObject copy = new JsonObject();
    resource.forEach(
        e -> {
          if (!DESCRIPTIVE_FIELDS.contains(e.getKey())) {
            copy.put(e.getKey(), e.getValue());
          }
        });
    return copy;
  }

  /**
   * Parses the document as a node would and returns what it finds wrong (at most one problem: the
   * configuration parser stops at the first). Field paths inside distribution {@code focus} are
   * given relative to that distribution; others name the distribution by id.
   */
  List<ApiError.Problem> check(String focusDistribution) {
    List<String> ids = new ArrayList<>(resources.get(ResourceKind.DISTRIBUTION).keySet());
    try {
      ConfigLoader.parse(document().encode(), "snapshot");
      return List.of();
    } catch (ConfigException e) {
      String message = e.getMessage();
      Matcher m = ERROR.matcher(message);
      if (m.matches()) {
        int index = Integer.parseInt(m.group(1));
        String id = index < ids.size() ? ids.get(index) : "?";
        String inner = m.group(2) == null ? "" : m.group(2);
        if (id.equals(focusDistribution)) {
          List<ApiError.Problem> whole =
              List.of(new ApiError.Problem(inner.isEmpty() ? "(document)" : inner, m.group(3)));
          return DistributionProbes.merge(
              DistributionProbes.problems(resources.get(ResourceKind.DISTRIBUTION).get(id)), whole);
        }
        String field = "distribution '" + id + "'" + (inner.isEmpty() ? "" : "." + inner);
        return List.of(new ApiError.Problem(field, m.group(3)));
      }
      String stripped = message.replaceFirst("^[^:]*:\\d+:\\d+: ", "");
      Matcher f = FIELD_PROBLEM.matcher(stripped);
      return f.matches()
          ? List.of(new ApiError.Problem(f.group(1), f.group(2)))
          : List.of(new ApiError.Problem("(document)", stripped));
    }
  }
}
