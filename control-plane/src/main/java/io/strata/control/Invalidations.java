package io.strata.control;

import io.strata.core.control.InvalidationPath;
import io.strata.core.time.Clock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Creating invalidations: validation of paths (CloudFront's rules) and cache tags, CloudFront's
 * in-progress quotas, and storage as a versioned record that nodes receive with the config stream.
 * An invalidation is {@code InProgress} until every live node has applied its version, then {@code
 * Completed}. Blocking JDBC; call from a worker.
 */
final class Invalidations {
  static final String KIND = "invalidations";
  private static final int MAX_TAGS = 50;

  private final Clock clock;
  private final Nodes nodes;
  private final int maxPathsInProgress;
  private final int maxWildcardPathsInProgress;

  Invalidations(Clock clock, Nodes nodes, int maxPathsInProgress, int maxWildcardPathsInProgress) {
    this.clock = clock;
    this.nodes = nodes;
    this.maxPathsInProgress = maxPathsInProgress;
    this.maxWildcardPathsInProgress = maxWildcardPathsInProgress;
  }

  /** Creates an invalidation of distribution {@code distributionId} from a request body. */
  StoredResource create(Connection c, String distributionId, JsonObject request, String actor)
      throws SQLException {
    long version = Store.nextConfigVersion(c);
    StoredResource distribution =
        Resources.find(c, ResourceKind.DISTRIBUTION.segment(), distributionId);
    if (distribution == null) {
      throw ApiError.notFound("the distribution '" + distributionId + "'");
    }
    List<ApiError.Problem> problems = new ArrayList<>();
    List<String> paths = strings(request, "paths", problems);
    List<String> tags = strings(request, "tags", problems);
    Object soft = request.getValue("soft", false);
    if (!(soft instanceof Boolean)) {
      problems.add(
          new ApiError.Problem("soft", Resources.describe(soft) + " (expected: true or false)"));
    }
    for (String key : request.fieldNames()) {
      if (!List.of("paths", "tags", "soft", "callerReference").contains(key)) {
        problems.add(
            new ApiError.Problem(
                key, "unknown field (expected: paths, tags, soft, callerReference)"));
      }
    }
    if (problems.isEmpty() && paths.isEmpty() && tags.isEmpty()) {
      problems.add(new ApiError.Problem("paths", "[] (expected: at least one path or tag)"));
    }
    int wildcards = 0;
    for (int i = 0; i < paths.size(); i++) {
      try {
        if (InvalidationPath.parse(paths.get(i)).wildcard()) {
          wildcards++;
        }
      } catch (IllegalArgumentException e) {
        problems.add(new ApiError.Problem("paths[" + i + "]", e.getMessage()));
      }
    }
    if (tags.size() > MAX_TAGS) {
      problems.add(
          new ApiError.Problem("tags", tags.size() + " tags (expected: at most " + MAX_TAGS + ")"));
    }
    for (int i = 0; i < tags.size(); i++) {
      String t = tags.get(i);
      if (t.isBlank() || t.contains(",") || t.length() > 128) {
        problems.add(
            new ApiError.Problem(
                "tags[" + i + "]", "'" + t + "' (expected: 1 to 128 characters, no comma)"));
      }
    }
    String tagHeader = distribution.body().getString("cacheTagHeader");
    if (!tags.isEmpty() && tagHeader == null) {
      problems.add(
          new ApiError.Problem(
              "tags",
              "given, but distribution '"
                  + distributionId
                  + "' names no cacheTagHeader (expected: set cacheTagHeader, e.g. Cache-Tag)"));
    }
    if (!problems.isEmpty()) {
      throw ApiError.invalid(problems);
    }
    checkQuota(c, distributionId, paths.size(), wildcards);
    String id = "I" + Tokens.randomBase32(13);
    long now = clock.millis();
    JsonObject body =
        new JsonObject()
            .put("distributionId", distributionId)
            .put("paths", new JsonArray(paths))
            .put("tags", new JsonArray(tags))
            .put("soft", soft);
    if (tagHeader != null) {
      body.put("tagHeader", tagHeader);
    }
    if (request.getValue("callerReference") != null) {
      body.put("callerReference", String.valueOf(request.getValue("callerReference")));
    }
    StoredResource stored =
        new StoredResource(KIND, id, StoredResource.etagFor(version), version, body, now, now);
    Resources.insert(c, stored);
    Resources.audit(c, actor, "create", KIND, id, null, stored.etag(), version);
    return stored;
  }

  /** Refuses the request when it would exceed CloudFront's in-progress quotas. */
  private void checkQuota(Connection c, String distributionId, int paths, int wildcards)
      throws SQLException {
    long lowest = nodes.lowestLiveApplied(c);
    int pathsInProgress = 0;
    int wildcardsInProgress = 0;
    for (StoredResource r : Resources.changedAfter(c, KIND, Math.min(lowest, Long.MAX_VALUE - 1))) {
      if (!distributionId.equals(r.body().getString("distributionId"))) {
        continue;
      }
      for (Object p : r.body().getJsonArray("paths")) {
        pathsInProgress++;
        if (String.valueOf(p).endsWith("*")) {
          wildcardsInProgress++;
        }
      }
    }
    if (pathsInProgress + paths > maxPathsInProgress
        || wildcardsInProgress + wildcards > maxWildcardPathsInProgress) {
      throw new ApiError(
          400,
          "TooManyInvalidationsInProgress",
          "distribution '"
              + distributionId
              + "' has "
              + pathsInProgress
              + " paths ("
              + wildcardsInProgress
              + " with wildcards) in progress; this request adds "
              + paths
              + " ("
              + wildcards
              + "); the limits are "
              + maxPathsInProgress
              + " ("
              + maxWildcardPathsInProgress
              + ")");
    }
  }

  private static List<String> strings(
      JsonObject request, String field, List<ApiError.Problem> problems) {
    Object value = request.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      problems.add(
          new ApiError.Problem(
              field, Resources.describe(value) + " (expected: a list of strings)"));
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (array.getValue(i) instanceof String s) {
        out.add(s);
      } else {
        problems.add(
            new ApiError.Problem(
                field + "[" + i + "]",
                Resources.describe(array.getValue(i)) + " (expected: a string)"));
      }
    }
    return new ArrayList<>(out);
  }
}
