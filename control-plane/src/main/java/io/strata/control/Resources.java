package io.strata.control;

import io.strata.core.config.ConfigException;
import io.strata.core.config.ConfigLoader;
import io.strata.core.time.Clock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Create, read, update and delete of configuration resources, with CloudFront's optimistic
 * concurrency (ETag / If-Match), reference checks, validation of the whole resulting snapshot, and
 * an audit record per change. Each change is one transaction that also advances the global
 * configuration version. Blocking JDBC; call from a worker thread.
 */
final class Resources {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String RESOURCE_COLUMNS =
      "kind, id, etag, modified_version, body, created_at, updated_at";

  /** What a committed change produced: the resource before and after, and the new snapshot. */
  record Change(StoredResource before, StoredResource after, long version, JsonObject snapshot) {}

  /** One page of a listing; {@code nextMarker} is null on the last page. */
  record Page(List<StoredResource> items, String nextMarker) {
    /** The API's list body: {@code items} rendered by {@code render}, and {@code nextMarker}. */
    JsonObject toJson(Function<StoredResource, JsonObject> render) {
      JsonArray rendered = new JsonArray();
      items.forEach(r -> rendered.add(render.apply(r)));
      JsonObject body = new JsonObject().put("items", rendered);
      if (nextMarker != null) {
        body.put("nextMarker", nextMarker);
      }
      return body;
    }
  }

  private final Clock clock;

  Resources(Clock clock) {
    this.clock = clock;
  }

  // ---- reads

  static StoredResource find(Connection c, String kind, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT " + RESOURCE_COLUMNS + " FROM strata_resources WHERE kind = ? AND id = ?")) {
      s.setString(1, kind);
      s.setString(2, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  static Page list(Connection c, String kind, String marker, int limit) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + RESOURCE_COLUMNS
                + " FROM strata_resources WHERE kind = ? AND id > ? ORDER BY id")) {
      s.setString(1, kind);
      s.setString(2, marker == null ? "" : marker);
      s.setMaxRows(limit + 1);
      List<StoredResource> items = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          items.add(row(rs));
        }
      }
      String next = null;
      if (items.size() > limit) {
        items = items.subList(0, limit);
        next = items.get(limit - 1).id();
      }
      return new Page(List.copyOf(items), next);
    }
  }

  /** Resources of {@code kind} changed after {@code version}, oldest first. */
  static List<StoredResource> changedAfter(Connection c, String kind, long version)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + RESOURCE_COLUMNS
                + " FROM strata_resources WHERE kind = ? AND modified_version > ?"
                + " ORDER BY modified_version")) {
      s.setString(1, kind);
      s.setLong(2, version);
      List<StoredResource> items = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          items.add(row(rs));
        }
      }
      return items;
    }
  }

  /** Every configuration resource, by kind and id. */
  static Map<ResourceKind, Map<String, JsonObject>> all(Connection c) throws SQLException {
    Map<ResourceKind, Map<String, JsonObject>> all = new EnumMap<>(ResourceKind.class);
    for (ResourceKind k : ResourceKind.values()) {
      all.put(k, new HashMap<>());
    }
    try (PreparedStatement s = c.prepareStatement("SELECT kind, id, body FROM strata_resources");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        ResourceKind.bySegment(rs.getString(1)).ifPresent(k -> putBody(all.get(k), rs));
      }
    }
    return all;
  }

  private static void putBody(Map<String, JsonObject> into, ResultSet rs) {
    try {
      into.put(rs.getString(2), new JsonObject(rs.getString(3)));
    } catch (SQLException e) {
      throw new Store.StoreException(e);
    }
  }

  static StoredResource row(ResultSet rs) throws SQLException {
    return new StoredResource(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        new JsonObject(rs.getString(5)),
        rs.getLong(6),
        rs.getLong(7));
  }

  // ---- changes

  Change create(Connection c, ResourceKind kind, JsonObject body, String actor)
      throws SQLException {
    long version = Store.nextConfigVersion(c);
    List<ApiError.Problem> problems = new ArrayList<>(shape(kind, body, null));
    String id = body.getValue("id") instanceof String s ? s : null;
    if (problems.isEmpty() && find(c, kind.segment(), id) != null) {
      throw new ApiError(
          409,
          "ResourceAlreadyExists",
          "the " + kind.label() + " '" + id + "' already exists; update it with PUT and If-Match");
    }
    JsonObject snapshot = validate(c, kind, id, body, problems);
    long now = clock.millis();
    StoredResource after =
        new StoredResource(
            kind.segment(), id, StoredResource.etagFor(version), version, body, now, now);
    insert(c, after);
    audit(c, actor, "create", kind.segment(), id, null, after.etag(), version);
    return new Change(null, after, version, snapshot);
  }

  Change update(
      Connection c, ResourceKind kind, String id, JsonObject body, String ifMatch, String actor)
      throws SQLException {
    long version = Store.nextConfigVersion(c);
    StoredResource before = existing(c, kind, id);
    checkIfMatch(before, ifMatch);
    List<ApiError.Problem> problems = new ArrayList<>(shape(kind, body, id));
    JsonObject snapshot = validate(c, kind, id, body, problems);
    StoredResource after =
        new StoredResource(
            kind.segment(),
            id,
            StoredResource.etagFor(version),
            version,
            body,
            before.createdAt(),
            clock.millis());
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE strata_resources SET etag = ?, modified_version = ?, body = ?, updated_at = ?"
                + " WHERE kind = ? AND id = ?")) {
      s.setString(1, after.etag());
      s.setLong(2, version);
      s.setString(3, body.encode());
      s.setLong(4, after.updatedAt());
      s.setString(5, kind.segment());
      s.setString(6, id);
      s.executeUpdate();
    }
    audit(c, actor, "update", kind.segment(), id, before.etag(), after.etag(), version);
    return new Change(before, after, version, snapshot);
  }

  Change delete(Connection c, ResourceKind kind, String id, String ifMatch, String actor)
      throws SQLException {
    long version = Store.nextConfigVersion(c);
    StoredResource before = existing(c, kind, id);
    checkIfMatch(before, ifMatch);
    Map<ResourceKind, Map<String, JsonObject>> all = all(c);
    List<String> referencedBy = new ArrayList<>();
    for (ResourceKind k : ResourceKind.values()) {
      all.get(k)
          .forEach(
              (otherId, doc) -> {
                for (ResourceKind.Reference r : k.references(doc)) {
                  if (r.kind() == kind && r.id().equals(id)) {
                    referencedBy.add(k.segment() + "/" + otherId);
                    return;
                  }
                }
              });
    }
    if (!referencedBy.isEmpty()) {
      referencedBy.sort(null);
      throw new ApiError(
          409,
          "ResourceInUse",
          "the " + kind.label() + " '" + id + "' is in use by " + String.join(", ", referencedBy),
          List.of(),
          new JsonObject().put("referencedBy", new JsonArray(referencedBy)));
    }
    all.get(kind).remove(id);
    Snapshot candidate = new Snapshot(all);
    List<ApiError.Problem> problems = candidate.check(null);
    if (!problems.isEmpty()) {
      throw ApiError.invalid(problems);
    }
    deleteRow(c, kind.segment(), id);
    audit(c, actor, "delete", kind.segment(), id, before.etag(), null, version);
    return new Change(before, null, version, candidate.document());
  }

  static void deleteRow(Connection c, String kind, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM strata_resources WHERE kind = ? AND id = ?")) {
      s.setString(1, kind);
      s.setString(2, id);
      s.executeUpdate();
    }
  }

  static void insert(Connection c, StoredResource r) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO strata_resources ("
                + RESOURCE_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, r.kind());
      s.setString(2, r.id());
      s.setString(3, r.etag());
      s.setLong(4, r.version());
      s.setString(5, r.body().encode());
      s.setLong(6, r.createdAt());
      s.setLong(7, r.updatedAt());
      s.executeUpdate();
    }
  }

  static void audit(
      Connection c,
      String actor,
      String action,
      String kind,
      String id,
      String oldEtag,
      String newEtag,
      long version)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO strata_audit (at, actor, action, kind, resource_id, old_etag, new_etag,"
                + " config_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setLong(1, System.currentTimeMillis());
      s.setString(2, actor);
      s.setString(3, action);
      s.setString(4, kind);
      s.setString(5, id);
      s.setString(6, oldEtag);
      s.setString(7, newEtag);
      s.setLong(8, version);
      s.executeUpdate();
    }
  }

  private static StoredResource existing(Connection c, ResourceKind kind, String id)
      throws SQLException {
    StoredResource r = find(c, kind.segment(), id);
    if (r == null) {
      throw ApiError.notFound("the " + kind.label() + " '" + id + "'");
    }
    return r;
  }

  /** CloudFront's rule: a change to an existing resource names the version it was based on. */
  static void checkIfMatch(StoredResource current, String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank()) {
      throw new ApiError(
          428,
          "PreconditionRequired",
          "If-Match is required: send the ETag of the " + current.kind() + " you read");
    }
    String tag = ifMatch.trim();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    if (!tag.equals(current.etag())) {
      throw new ApiError(
          412,
          "PreconditionFailed",
          "If-Match "
              + ifMatch
              + " does not match the current ETag \""
              + current.etag()
              + "\": the resource changed since you read it",
          List.of(),
          new JsonObject().put("currentEtag", current.etag()));
    }
  }

  /** Checks of a document that need nothing but the document itself. */
  static List<ApiError.Problem> shape(ResourceKind kind, JsonObject body, String pathId) {
    List<ApiError.Problem> problems = new ArrayList<>();
    Object id = body.getValue("id");
    if (id == null && pathId != null) {
      body.put("id", pathId);
      id = pathId;
    }
    if (!(id instanceof String s) || !ID.matcher(s).matches()) {
      problems.add(
          new ApiError.Problem(
              "id",
              describe(id)
                  + " (expected: 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit)"));
    } else if (pathId != null && !pathId.equals(s)) {
      problems.add(
          new ApiError.Problem(
              "id", describe(id) + " (expected: '" + pathId + "', the id in the URL)"));
    }
    switch (kind) {
      case DISTRIBUTION -> {
        Object header = body.getValue("cacheTagHeader");
        if (header != null
            && !(header instanceof String h && h.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}"))) {
          problems.add(
              new ApiError.Problem(
                  "cacheTagHeader", describe(header) + " (expected: an HTTP header name)"));
        }
      }
      case CACHE_POLICY -> problems.addAll(cachePolicyProblems(body));
      case PUBLIC_KEY -> {
        Object key = body.getValue("encodedKey");
        if (!(key instanceof String pem) || !isPublicKeyPem(pem)) {
          problems.add(
              new ApiError.Problem(
                  "encodedKey",
                  describe(key) + " (expected: a PEM public key, -----BEGIN PUBLIC KEY-----)"));
        }
      }
      case KEY_GROUP -> {
        Object keys = body.getValue("keys");
        if (!(keys instanceof JsonArray list)
            || list.isEmpty()
            || list.size() > 5
            || !list.stream().allMatch(i -> i instanceof String)) {
          problems.add(
              new ApiError.Problem("keys", describe(keys) + " (expected: 1 to 5 public key ids)"));
        }
      }
      default -> {}
    }
    return problems;
  }

  /** Checks references and the snapshot that would result; throws with every problem found. */
  private JsonObject validate(
      Connection c, ResourceKind kind, String id, JsonObject body, List<ApiError.Problem> problems)
      throws SQLException {
    if (!problems.isEmpty() && problems.stream().anyMatch(p -> p.field().equals("id"))) {
      throw ApiError.invalid(problems);
    }
    Map<ResourceKind, Map<String, JsonObject>> all = all(c);
    for (ResourceKind.Reference r : kind.references(body)) {
      if (!all.get(r.kind()).containsKey(r.id())) {
        problems.add(
            new ApiError.Problem(
                r.field(),
                "'" + r.id() + "' (expected: the id of an existing " + r.kind().label() + ")"));
      }
    }
    if (kind == ResourceKind.DISTRIBUTION) {
      problems.addAll(Functions.missingFunctions(c, body));
    }
    all.get(kind).put(id, body);
    Snapshot candidate = new Snapshot(all);
    // Shape and reference problems do not stop the parse: every problem is reported at once.
    problems.addAll(candidate.check(kind == ResourceKind.DISTRIBUTION ? id : null));
    if (!problems.isEmpty()) {
      throw ApiError.invalid(problems);
    }
    return candidate.document();
  }

  /**
   * A cache policy is checked by the node's own parser, placed in a minimal distribution, so that
   * its rules live in one place ({@code io.strata.core.config.CachePolicy}).
   */
  private static List<ApiError.Problem> cachePolicyProblems(JsonObject body) {
    // Each TTL on its own first, so every bad field is listed at once; the relations between
    // them (min <= default <= max) are the configuration parser's, checked when all are numbers.
    List<ApiError.Problem> fields = new ArrayList<>();
    for (String ttl : List.of("minTtl", "defaultTtl", "maxTtl")) {
      Object value = body.getValue(ttl);
      if (value != null
          && !(value instanceof Number n
              && n.doubleValue() == Math.rint(n.doubleValue())
              && n.longValue() >= 0)) {
        fields.add(
            new ApiError.Problem(
                ttl, describe(value) + " (expected: a whole number of seconds >= 0)"));
      }
    }
    if (!fields.isEmpty()) {
      return fields;
    }
    JsonObject policy = new JsonObject();
    body.forEach(
        e -> {
          if (!e.getKey().equals("id") && !e.getKey().equals("comment")) {
            policy.put(e.getKey(), e.getValue());
          }
        });
    JsonObject probe =
        new JsonObject()
            .put(
                "distributions",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("id", "probe")
                            .put("aliases", new JsonArray().add("probe.invalid"))
                            .put(
                                "origins",
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("id", "o")
                                            .put("url", "http://127.0.0.1")))
                            .put(
                                "defaultBehavior",
                                new JsonObject().put("origin", "o").put("cachePolicy", policy))));
    try {
      ConfigLoader.parse(probe.encode(), "probe");
      return List.of();
    } catch (ConfigException e) {
      String m =
          e.getMessage()
              .replaceFirst(
                  "^[^:]*:\\d+:\\d+: distributions\\[0\\]\\.defaultBehavior\\.cachePolicy\\.?", "");
      int colon = m.indexOf(": ");
      return colon > 0
          ? List.of(new ApiError.Problem(m.substring(0, colon), m.substring(colon + 2)))
          : List.of(new ApiError.Problem("(document)", m));
    }
  }

  private static boolean isPublicKeyPem(String pem) {
    String base64 =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      for (String algorithm : List.of("RSA", "EC")) {
        try {
          KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
          return true;
        } catch (java.security.GeneralSecurityException e) {
          // try the next algorithm
        }
      }
      return false;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }
}
