package io.strata.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports a configuration document (the file {@code strata up --config} names, or any {@code apply}
 * file) into the store: each resource is created, updated or left alone, in an order that lets
 * references resolve, all in one transaction, so a bad file changes nothing.
 */
final class Importer {
  /** What an import did, one line per resource ({@code created distributions/site}). */
  record Result(List<String> lines, long version, JsonObject snapshot) {}

  private static final List<ResourceKind> ORDER =
      List.of(
          ResourceKind.PUBLIC_KEY,
          ResourceKind.KEY_GROUP,
          ResourceKind.CACHE_POLICY,
          ResourceKind.ORIGIN_REQUEST_POLICY,
          ResourceKind.RESPONSE_HEADERS_POLICY,
          ResourceKind.DISTRIBUTION);

  private Importer() {}

  static Result run(Resources resources, Connection c, JsonObject doc, String actor)
      throws SQLException {
    List<ApiError.Problem> problems = new ArrayList<>();
    for (String key : doc.fieldNames()) {
      if (ORDER.stream().noneMatch(k -> k.fileKey().equals(key))) {
        problems.add(
            new ApiError.Problem(
                key,
                "unknown top-level key (expected: "
                    + String.join(", ", ORDER.stream().map(ResourceKind::fileKey).toList())
                    + ")"));
      }
    }
    if (!problems.isEmpty()) {
      throw ApiError.invalid(problems);
    }
    List<String> lines = new ArrayList<>();
    Resources.Change last = null;
    for (ResourceKind kind : ORDER) {
      Object value = doc.getValue(kind.fileKey());
      if (value == null) {
        continue;
      }
      if (!(value instanceof JsonArray items)) {
        throw ApiError.invalid(
            List.of(
                new ApiError.Problem(
                    kind.fileKey(),
                    "not a list (expected: a list of " + kind.label() + " documents)")));
      }
      for (int i = 0; i < items.size(); i++) {
        if (!(items.getValue(i) instanceof JsonObject spec)
            || !(spec.getValue("id") instanceof String id)) {
          throw ApiError.invalid(
              List.of(
                  new ApiError.Problem(
                      kind.fileKey() + "[" + i + "]", "(expected: a document with an id)")));
        }
        StoredResource current = Resources.find(c, kind.segment(), id);
        try {
          if (current == null) {
            last = resources.create(c, kind, spec, actor);
            lines.add("created   " + kind.segment() + "/" + id);
          } else if (current.body().equals(spec)) {
            lines.add("unchanged " + kind.segment() + "/" + id);
          } else {
            last = resources.update(c, kind, id, spec, current.etag(), actor);
            lines.add("updated   " + kind.segment() + "/" + id);
          }
        } catch (ApiError e) {
          List<ApiError.Problem> prefixed = new ArrayList<>();
          for (ApiError.Problem p : e.problems()) {
            prefixed.add(
                new ApiError.Problem(kind.fileKey() + "[" + i + "]." + p.field(), p.problem()));
          }
          throw prefixed.isEmpty() ? e : ApiError.invalid(prefixed);
        }
      }
    }
    return last == null
        ? new Result(lines, Store.configVersion(c), null)
        : new Result(lines, last.version(), last.snapshot());
  }
}
