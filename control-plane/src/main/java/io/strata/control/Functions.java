package io.strata.control;

import io.strata.core.time.Clock;
import io.strata.functions.bundle.BundleStore;
import io.strata.functions.model.Alias;
import io.strata.functions.model.FunctionConfig;
import io.strata.functions.model.LambdaException;
import io.strata.functions.model.Runtime;
import io.strata.functions.schedule.ScheduleExpression;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Functions as control-plane resources: configuration of {@code $LATEST}, code bundles stored by
 * SHA-256 in {@code <data>/function-code}, immutable published versions, aliases, schedules and the
 * access keys the function runtime verifies Invoke signatures with. Every limit is checked by the
 * function runtime's own rules ({@link FunctionConfig}, {@link Alias}, {@link ScheduleExpression},
 * {@link BundleStore}) and refused with a 400 naming the field.
 *
 * <p>Function resources have their own version counter ({@code strata_meta} row 2), so a function
 * change never makes edge and regional nodes re-apply their configuration; the function runtime
 * follows it through {@code GET /v1/functions-state}. Blocking JDBC: call from a worker.
 */
final class Functions {
  static final String FUNCTIONS = "functions";
  static final String VERSIONS = "function-versions";
  static final String ALIASES = "function-aliases";
  static final String SCHEDULES = "function-schedules";
  static final String KEYS = "access-keys";

  /** A 50 MB zip as base64 in JSON, with room for the rest of the document. */
  static final int MAX_BODY_BYTES = 70 * 1024 * 1024;

  /** Lambda's names for configuration fields, as {@link FunctionConfig} reports them → ours. */
  private static final Map<String, String> FIELDS =
      Map.of(
          "FunctionName", "id",
          "Runtime", "runtime",
          "Handler", "handler",
          "MemorySize", "memorySize",
          "Timeout", "timeout",
          "Environment.Variables", "environment",
          "ReservedConcurrentExecutions", "reservedConcurrency",
          "EphemeralStorage.Size", "ephemeralStorage",
          "Description", "description");

  private final BundleStore code;
  private final AccessKeys keys;
  private final Clock clock;

  Functions(Path dataDir, Clock clock) {
    this.code = new BundleStore(dataDir.resolve("function-code"));
    this.keys = new AccessKeys(dataDir);
    this.clock = clock;
  }

  // ---- versions of the function state

  static long version(Connection c) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement("SELECT config_version FROM strata_meta WHERE id = 2");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Advances the function version; the row lock held until commit serialises changes. */
  private static long nextVersion(Connection c) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE strata_meta SET config_version = config_version + 1 WHERE id = 2")) {
      s.executeUpdate();
    }
    return version(c);
  }

  private static String etag(long version) {
    return "F" + version;
  }

  // ---- functions

  /** Creates a function from its configuration and its code (required, base64). */
  StoredResource create(Connection c, JsonObject in, String actor) throws SQLException {
    String id = in.getValue("id") instanceof String s ? s : null;
    JsonObject spec = config(in, null, id);
    if (!(in.getValue("code") instanceof JsonObject codeJson)) {
      throw ApiError.invalid(
          List.of(
              new ApiError.Problem(
                  "code", "missing (expected: {\"zipFile\": \"<base64 of the zip>\"})")));
    }
    storeCode(spec, zipFromJson(codeJson));
    if (Resources.find(c, FUNCTIONS, id) != null) {
      throw new ApiError(
          409,
          "ResourceAlreadyExists",
          "the function '" + id + "' already exists; update it with PUT and If-Match");
    }
    long v = nextVersion(c);
    long now = clock.millis();
    StoredResource r = new StoredResource(FUNCTIONS, id, etag(v), v, spec, now, now);
    Resources.insert(c, r);
    Resources.audit(c, actor, "create", FUNCTIONS, id, null, r.etag(), v);
    return r;
  }

  /** Replaces the configuration of {@code $LATEST}; the code stays. */
  StoredResource updateConfig(Connection c, String id, JsonObject in, String ifMatch, String actor)
      throws SQLException {
    StoredResource before = existing(c, FUNCTIONS, id, "the function '" + id + "'");
    Resources.checkIfMatch(before, ifMatch);
    JsonObject spec = config(in, before.body(), id);
    spec.put("codeSha256", before.body().getString("codeSha256"));
    spec.put("codeSize", before.body().getLong("codeSize"));
    return replace(c, before, spec, actor);
  }

  /** Replaces the code of {@code $LATEST}: a raw zip or {@code {"zipFile": base64}}. */
  StoredResource updateCode(Connection c, String id, byte[] zip, String ifMatch, String actor)
      throws SQLException {
    StoredResource before = existing(c, FUNCTIONS, id, "the function '" + id + "'");
    Resources.checkIfMatch(before, ifMatch);
    JsonObject spec = before.body().copy();
    storeCode(spec, zip);
    return replace(c, before, spec, actor);
  }

  private StoredResource replace(Connection c, StoredResource before, JsonObject spec, String actor)
      throws SQLException {
    long v = nextVersion(c);
    StoredResource after =
        new StoredResource(
            before.kind(), before.id(), etag(v), v, spec, before.createdAt(), clock.millis());
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE strata_resources SET etag = ?, modified_version = ?, body = ?, updated_at = ?"
                + " WHERE kind = ? AND id = ?")) {
      s.setString(1, after.etag());
      s.setLong(2, v);
      s.setString(3, spec.encode());
      s.setLong(4, after.updatedAt());
      s.setString(5, after.kind());
      s.setString(6, after.id());
      s.executeUpdate();
    }
    Resources.audit(c, actor, "update", before.kind(), before.id(), before.etag(), after.etag(), v);
    return after;
  }

  /**
   * Deletes a function with its versions, aliases and schedules; refused while a behavior names it
   * in {@code lambdaFunctionAssociations}.
   */
  void delete(Connection c, String id, String ifMatch, String actor) throws SQLException {
    StoredResource before = existing(c, FUNCTIONS, id, "the function '" + id + "'");
    Resources.checkIfMatch(before, ifMatch);
    List<String> users = distributionsUsing(c, id, null);
    if (!users.isEmpty()) {
      throw new ApiError(
          409,
          "ResourceInUse",
          "the function '" + id + "' is in use by " + String.join(", ", users),
          List.of(),
          new JsonObject().put("referencedBy", new JsonArray(users)));
    }
    long v = nextVersion(c);
    for (String kind : List.of(VERSIONS, ALIASES, SCHEDULES)) {
      for (StoredResource r : children(c, kind, id)) {
        Resources.deleteRow(c, kind, r.id());
      }
    }
    Resources.deleteRow(c, FUNCTIONS, id);
    Resources.audit(c, actor, "delete", FUNCTIONS, id, before.etag(), null, v);
  }

  /**
   * Distributions whose behaviors name {@code function} (with {@code qualifier}, when not null).
   */
  private static List<String> distributionsUsing(Connection c, String function, String qualifier)
      throws SQLException {
    List<String> users = new ArrayList<>();
    for (StoredResource d : Resources.changedAfter(c, ResourceKind.DISTRIBUTION.segment(), -1)) {
      List<JsonObject> behaviors = new ArrayList<>();
      if (d.body().getValue("defaultBehavior") instanceof JsonObject b) {
        behaviors.add(b);
      }
      if (d.body().getValue("behaviors") instanceof JsonArray list) {
        list.forEach(b -> behaviors.add(b instanceof JsonObject o ? o : new JsonObject()));
      }
      for (JsonObject b : behaviors) {
        if (b.getValue("lambdaFunctionAssociations") instanceof JsonArray assoc) {
          for (Object a : assoc) {
            if (a instanceof JsonObject o
                && o.getValue("lambdaFunctionArn") instanceof String arn
                && functionNameOf(arn).equals(function)
                && (qualifier == null || qualifier.equals(qualifierOf(arn)))) {
              users.add("distributions/" + d.id());
            }
          }
        }
      }
    }
    return users.stream().distinct().sorted().toList();
  }

  /**
   * The Lambda@Edge associations of a distribution document that name a function, version or alias
   * the control plane does not have (CloudFront refuses those too).
   */
  static List<ApiError.Problem> missingFunctions(Connection c, JsonObject distribution)
      throws SQLException {
    List<ApiError.Problem> problems = new ArrayList<>();
    Map<String, JsonObject> behaviors = new java.util.LinkedHashMap<>();
    if (distribution.getValue("defaultBehavior") instanceof JsonObject b) {
      behaviors.put("defaultBehavior", b);
    }
    if (distribution.getValue("behaviors") instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.getValue(i) instanceof JsonObject b) {
          behaviors.put("behaviors[" + i + "]", b);
        }
      }
    }
    for (var e : behaviors.entrySet()) {
      if (!(e.getValue().getValue("lambdaFunctionAssociations") instanceof JsonArray assoc)) {
        continue;
      }
      for (int i = 0; i < assoc.size(); i++) {
        if (!(assoc.getValue(i) instanceof JsonObject a)
            || !(a.getValue("lambdaFunctionArn") instanceof String ref)) {
          continue;
        }
        String name = functionNameOf(ref);
        String qualifier = qualifierOf(ref);
        String field = e.getKey() + ".lambdaFunctionAssociations[" + i + "].lambdaFunctionArn";
        if (Resources.find(c, FUNCTIONS, name) == null) {
          problems.add(
              new ApiError.Problem(field, "'" + ref + "' (expected: a function of /v1/functions)"));
        } else if (qualifier != null
            && !qualifier.equals("$LATEST")
            && Resources.find(
                    c,
                    qualifier.chars().allMatch(Character::isDigit) ? VERSIONS : ALIASES,
                    name + ":" + qualifier)
                == null) {
          problems.add(
              new ApiError.Problem(
                  field,
                  "'" + ref + "' (expected: a published version or an alias of '" + name + "')"));
        }
      }
    }
    return problems;
  }

  /** The qualifier in an ARN or in {@code name[:qualifier]}, or null. */
  static String qualifierOf(String ref) {
    int fn = ref.indexOf(":function:");
    String rest = fn >= 0 ? ref.substring(fn + ":function:".length()) : ref;
    int colon = rest.indexOf(':');
    return colon < 0 ? null : rest.substring(colon + 1);
  }

  /** The function name in an ARN or in {@code name[:qualifier]}. */
  static String functionNameOf(String ref) {
    int fn = ref.indexOf(":function:");
    String rest = fn >= 0 ? ref.substring(fn + ":function:".length()) : ref;
    int colon = rest.indexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }

  // ---- versions

  /**
   * Publishes {@code $LATEST} as the next version; when it is unchanged since the last version,
   * that version is answered (Lambda's rule) and {@code created} is false.
   */
  record Published(StoredResource version, boolean created) {}

  Published publish(Connection c, String id, JsonObject in, String actor) throws SQLException {
    StoredResource latest = existing(c, FUNCTIONS, id, "the function '" + id + "'");
    List<StoredResource> versions = children(c, VERSIONS, id);
    int last = 0;
    StoredResource lastVersion = null;
    for (StoredResource v : versions) {
      int n = v.body().getInteger("version");
      if (n > last) {
        last = n;
        lastVersion = v;
      }
    }
    if (lastVersion != null
        && withoutVersionFields(lastVersion.body()).equals(withoutVersionFields(latest.body()))) {
      return new Published(lastVersion, false);
    }
    long v = nextVersion(c);
    long now = clock.millis();
    JsonObject spec = latest.body().copy().put("version", last + 1).put("function", id);
    if (in.getValue("description") instanceof String d) {
      spec.put("versionDescription", d);
    }
    StoredResource r =
        new StoredResource(VERSIONS, id + ":" + (last + 1), etag(v), v, spec, now, now);
    Resources.insert(c, r);
    Resources.audit(c, actor, "create", VERSIONS, r.id(), null, r.etag(), v);
    return new Published(r, true);
  }

  private static JsonObject withoutVersionFields(JsonObject spec) {
    JsonObject copy = spec.copy();
    copy.remove("version");
    copy.remove("function");
    copy.remove("versionDescription");
    return copy;
  }

  // ---- aliases

  StoredResource putAlias(
      Connection c, String id, String alias, JsonObject in, String ifMatch, String actor)
      throws SQLException {
    existing(c, FUNCTIONS, id, "the function '" + id + "'");
    Object version = in.getValue("functionVersion");
    Object extra = in.getValue("additionalVersion");
    Object weight = in.getValue("additionalWeight", 0);
    Object description = in.getValue("description");
    List<ApiError.Problem> problems = new ArrayList<>();
    if (!(version instanceof String)) {
      problems.add(
          new ApiError.Problem(
              "functionVersion",
              Resources.describe(version)
                  + " (expected: a published version number, as a string)"));
    }
    if (extra != null && !(extra instanceof String)) {
      problems.add(
          new ApiError.Problem(
              "additionalVersion", Resources.describe(extra) + " (expected: a version number)"));
    }
    if (!(weight instanceof Number)) {
      problems.add(
          new ApiError.Problem(
              "additionalWeight", Resources.describe(weight) + " (expected: 0.0-1.0)"));
    }
    if (description != null && !(description instanceof String)) {
      problems.add(
          new ApiError.Problem(
              "description", Resources.describe(description) + " (expected: a string)"));
    }
    if (!problems.isEmpty()) {
      throw ApiError.invalid(problems);
    }
    Alias a;
    try {
      a =
          new Alias(
              alias,
              (String) version,
              (String) extra,
              ((Number) weight).doubleValue(),
              (String) description);
    } catch (LambdaException e) {
      throw invalid(e, Map.of("Name", "name", "FunctionVersion", "functionVersion"));
    }
    for (String v :
        extra == null
            ? List.of(a.functionVersion())
            : List.of(a.functionVersion(), a.additionalVersion())) {
      if (!v.equals("$LATEST") && Resources.find(c, VERSIONS, id + ":" + v) == null) {
        throw ApiError.invalid(
            List.of(
                new ApiError.Problem(
                    v.equals(a.functionVersion()) ? "functionVersion" : "additionalVersion",
                    "'" + v + "' (expected: a published version of '" + id + "')")));
      }
    }
    JsonObject spec =
        new JsonObject()
            .put("function", id)
            .put("name", alias)
            .put("functionVersion", a.functionVersion())
            .put("additionalVersion", a.additionalVersion())
            .put("additionalWeight", a.additionalVersion() == null ? 0.0 : a.additionalWeight())
            .put("description", a.description() == null ? "" : a.description());
    return putChild(c, ALIASES, id + ":" + alias, spec, ifMatch, actor);
  }

  // ---- schedules

  StoredResource putSchedule(
      Connection c, String id, String name, JsonObject in, String ifMatch, String actor)
      throws SQLException {
    existing(c, FUNCTIONS, id, "the function '" + id + "'");
    List<ApiError.Problem> problems = new ArrayList<>();
    if (!name.matches("[a-zA-Z0-9._-]{1,64}")) {
      problems.add(
          new ApiError.Problem("name", "'" + name + "' (expected: 1-64 of a-z A-Z 0-9 . _ -)"));
    }
    Object expression = in.getValue("scheduleExpression");
    if (!(expression instanceof String text)) {
      problems.add(
          new ApiError.Problem(
              "scheduleExpression",
              Resources.describe(expression)
                  + " (expected: rate(5 minutes) or cron(0 12 * * ? *))"));
    } else {
      try {
        ScheduleExpression.parse(text);
      } catch (LambdaException e) {
        problems.add(new ApiError.Problem("scheduleExpression", e.getMessage()));
      }
    }
    Object input = in.getValue("input");
    if (input != null) {
      if (!(input instanceof String json)) {
        problems.add(
            new ApiError.Problem("input", Resources.describe(input) + " (expected: a JSON text)"));
      } else {
        try {
          io.vertx.core.json.Json.decodeValue(json);
        } catch (RuntimeException e) {
          problems.add(new ApiError.Problem("input", "not valid JSON"));
        }
      }
    }
    Object qualifier = in.getValue("qualifier");
    if (qualifier != null && !(qualifier instanceof String)) {
      problems.add(
          new ApiError.Problem(
              "qualifier", Resources.describe(qualifier) + " (expected: a version or alias)"));
    } else if (qualifier instanceof String q && !q.equals("$LATEST")) {
      String kind = q.chars().allMatch(Character::isDigit) ? VERSIONS : ALIASES;
      if (Resources.find(c, kind, id + ":" + q) == null) {
        problems.add(
            new ApiError.Problem(
                "qualifier", "'" + q + "' (expected: a version or alias of '" + id + "')"));
      }
    }
    Object single = in.getValue("singleRun", false);
    if (!(single instanceof Boolean)) {
      problems.add(
          new ApiError.Problem(
              "singleRun", Resources.describe(single) + " (expected: true or false)"));
    }
    if (!problems.isEmpty()) {
      throw ApiError.invalid(problems);
    }
    JsonObject spec =
        new JsonObject()
            .put("function", id)
            .put("name", name)
            .put("scheduleExpression", expression)
            .put("input", input)
            .put("qualifier", qualifier)
            .put("singleRun", single);
    return putChild(c, SCHEDULES, id + ":" + name, spec, ifMatch, actor);
  }

  /** Creates (no If-Match needed) or replaces (If-Match required) a child resource. */
  private StoredResource putChild(
      Connection c, String kind, String childId, JsonObject spec, String ifMatch, String actor)
      throws SQLException {
    StoredResource before = Resources.find(c, kind, childId);
    if (before != null) {
      Resources.checkIfMatch(before, ifMatch);
      return replace(c, before, spec, actor);
    }
    long v = nextVersion(c);
    long now = clock.millis();
    StoredResource r = new StoredResource(kind, childId, etag(v), v, spec, now, now);
    Resources.insert(c, r);
    Resources.audit(c, actor, "create", kind, childId, null, r.etag(), v);
    return r;
  }

  void deleteChild(
      Connection c, String kind, String childId, String ifMatch, String actor, String what)
      throws SQLException {
    StoredResource before = existing(c, kind, childId, what);
    Resources.checkIfMatch(before, ifMatch);
    if (kind.equals(ALIASES)) {
      String[] parts = childId.split(":", 2);
      List<String> users = distributionsUsing(c, parts[0], parts[1]);
      if (!users.isEmpty()) {
        throw new ApiError(
            409,
            "ResourceInUse",
            "the alias '" + parts[1] + "' is in use by " + String.join(", ", users),
            List.of(),
            new JsonObject().put("referencedBy", new JsonArray(users)));
      }
      for (StoredResource s : children(c, SCHEDULES, parts[0])) {
        if (parts[1].equals(s.body().getString("qualifier"))) {
          throw new ApiError(
              409,
              "ResourceInUse",
              "the alias '"
                  + parts[1]
                  + "' is in use by the schedule '"
                  + s.body().getString("name")
                  + "'");
        }
      }
    }
    long v = nextVersion(c);
    Resources.deleteRow(c, kind, childId);
    Resources.audit(c, actor, "delete", kind, childId, before.etag(), null, v);
  }

  // ---- access keys

  /** A new key: its secret is in the answer once and never again. */
  JsonObject createKey(Connection c, JsonObject in, String actor) throws SQLException {
    Object description = in.getValue("description", "");
    if (!(description instanceof String d) || d.length() > 256) {
      throw ApiError.invalid(
          List.of(
              new ApiError.Problem(
                  "description",
                  Resources.describe(description) + " (expected: at most 256 characters)")));
    }
    String id = AccessKeys.newId();
    String secret = AccessKeys.newSecret();
    long v = nextVersion(c);
    long now = clock.millis();
    JsonObject spec =
        new JsonObject()
            .put("accessKeyId", id)
            .put("description", d)
            .put("sealedSecret", keys.seal(secret, id));
    Resources.insert(c, new StoredResource(KEYS, id, etag(v), v, spec, now, now));
    Resources.audit(c, actor, "create", KEYS, id, null, etag(v), v);
    return keyJson(spec, now).put("secretAccessKey", secret).put("version", v);
  }

  static JsonObject keyJson(JsonObject spec, long createdAt) {
    return new JsonObject()
        .put("accessKeyId", spec.getString("accessKeyId"))
        .put("description", spec.getString("description"))
        .put("createdAt", java.time.Instant.ofEpochMilli(createdAt).toString());
  }

  void deleteKey(Connection c, String id, String actor) throws SQLException {
    StoredResource before = existing(c, KEYS, id, "the access key '" + id + "'");
    long v = nextVersion(c);
    Resources.deleteRow(c, KEYS, id);
    Resources.audit(c, actor, "delete", KEYS, id, before.etag(), null, v);
  }

  // ---- what the function runtime applies

  /** The whole function state, with access key secrets, for the function runtime. */
  JsonObject state(Connection c) throws SQLException {
    long version = version(c);
    Map<String, JsonObject> functions = new HashMap<>();
    JsonArray list = new JsonArray();
    for (StoredResource f : Resources.changedAfter(c, FUNCTIONS, -1)) {
      JsonObject fn =
          f.body()
              .copy()
              .put("id", f.id())
              .put("revision", f.etag())
              .put("versions", new JsonArray())
              .put("aliases", new JsonArray())
              .put("schedules", new JsonArray());
      functions.put(f.id(), fn);
      list.add(fn);
    }
    for (String kind : List.of(VERSIONS, ALIASES, SCHEDULES)) {
      String field =
          kind.equals(VERSIONS) ? "versions" : kind.equals(ALIASES) ? "aliases" : "schedules";
      for (StoredResource r : Resources.changedAfter(c, kind, -1)) {
        JsonObject fn = functions.get(r.body().getString("function"));
        if (fn != null) {
          fn.getJsonArray(field).add(r.body().copy().put("revision", r.etag()));
        }
      }
    }
    JsonArray keyList = new JsonArray();
    for (StoredResource k : Resources.changedAfter(c, KEYS, -1)) {
      keyList.add(
          new JsonObject()
              .put("accessKeyId", k.id())
              .put("secretAccessKey", keys.open(k.body().getString("sealedSecret"), k.id())));
    }
    return new JsonObject()
        .put("version", version)
        .put("functions", list)
        .put("accessKeys", keyList);
  }

  /** The stored zip with this SHA-256, or null. */
  byte[] zip(String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      return null;
    }
    Path file = code.zipPath(sha256);
    try {
      return Files.exists(file) ? Files.readAllBytes(file) : null;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  // ---- helpers

  static List<StoredResource> children(Connection c, String kind, String function)
      throws SQLException {
    List<StoredResource> out = new ArrayList<>();
    for (StoredResource r : Resources.changedAfter(c, kind, -1)) {
      if (function.equals(r.body().getString("function"))) {
        out.add(r);
      }
    }
    out.sort(java.util.Comparator.comparing(StoredResource::id));
    return out;
  }

  private static StoredResource existing(Connection c, String kind, String id, String what)
      throws SQLException {
    StoredResource r = Resources.find(c, kind, id);
    if (r == null) {
      throw ApiError.notFound(what);
    }
    return r;
  }

  /**
   * The configuration document of {@code $LATEST}: {@code in}'s fields over {@code base}, checked
   * by {@link FunctionConfig}.
   */
  private static JsonObject config(JsonObject in, JsonObject base, String id) {
    JsonObject b = base == null ? new JsonObject() : base;
    List<ApiError.Problem> problems = new ArrayList<>();
    String runtime = text(in, b, "runtime", problems);
    String handler = text(in, b, "handler", problems);
    String description = text(in, b, "description", problems);
    Integer memory = number(in, b, "memorySize", FunctionConfig.DEFAULT_MEMORY_MB, problems);
    Integer timeout = number(in, b, "timeout", FunctionConfig.DEFAULT_TIMEOUT_SECONDS, problems);
    Integer eph = number(in, b, "ephemeralStorage", FunctionConfig.DEFAULT_EPHEMERAL_MB, problems);
    Integer reserved = number(in, b, "reservedConcurrency", null, problems);
    Object env =
        in.containsKey("environment") ? in.getValue("environment") : b.getValue("environment");
    Map<String, String> variables = new HashMap<>();
    if (env instanceof JsonObject e) {
      e.forEach(
          kv -> {
            if (kv.getValue() instanceof String v) {
              variables.put(kv.getKey(), v);
            } else {
              problems.add(
                  new ApiError.Problem(
                      "environment." + kv.getKey(),
                      Resources.describe(kv.getValue()) + " (expected: a string)"));
            }
          });
    } else if (env != null) {
      problems.add(
          new ApiError.Problem(
              "environment", Resources.describe(env) + " (expected: an object of strings)"));
    }
    if (!problems.isEmpty()) {
      throw ApiError.invalid(problems);
    }
    FunctionConfig config;
    try {
      config =
          new FunctionConfig(
              id,
              Runtime.parse(runtime),
              handler,
              memory,
              timeout,
              variables,
              reserved,
              eph,
              description);
    } catch (LambdaException e) {
      throw invalid(e, FIELDS);
    }
    JsonObject spec =
        new JsonObject()
            .put("runtime", runtime)
            .put("handler", config.handler())
            .put("memorySize", config.memoryMb())
            .put("timeout", config.timeoutSeconds())
            .put("environment", new JsonObject(new HashMap<>(config.environment())))
            .put("ephemeralStorage", config.ephemeralStorageMb());
    if (reserved != null) {
      spec.put("reservedConcurrency", reserved);
    }
    if (description != null) {
      spec.put("description", description);
    }
    return spec;
  }

  private static String text(
      JsonObject in, JsonObject base, String field, List<ApiError.Problem> problems) {
    Object v = in.containsKey(field) ? in.getValue(field) : base.getValue(field);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    problems.add(new ApiError.Problem(field, Resources.describe(v) + " (expected: a string)"));
    return null;
  }

  private static Integer number(
      JsonObject in,
      JsonObject base,
      String field,
      Integer fallback,
      List<ApiError.Problem> problems) {
    Object v = in.containsKey(field) ? in.getValue(field) : base.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n && n.doubleValue() == n.intValue()) {
      return n.intValue();
    }
    problems.add(
        new ApiError.Problem(field, Resources.describe(v) + " (expected: a whole number)"));
    return fallback;
  }

  private static ApiError invalid(LambdaException e, Map<String, String> fields) {
    String message = e.getMessage();
    int colon = message.indexOf(": ");
    if (colon > 0 && fields.containsKey(message.substring(0, colon))) {
      return ApiError.invalid(
          List.of(
              new ApiError.Problem(
                  fields.get(message.substring(0, colon)), message.substring(colon + 2))));
    }
    return ApiError.invalid(List.of(new ApiError.Problem("(document)", message)));
  }

  /**
   * Stores the zip by content (checked: size, unpacked size, entries) and names it in {@code spec}.
   */
  private void storeCode(JsonObject spec, byte[] zip) {
    try {
      BundleStore.Stored stored = code.store(zip);
      spec.put("codeSha256", stored.sha256()).put("codeSize", stored.size());
    } catch (LambdaException e) {
      if (e.status() == 413) {
        throw new ApiError(413, "CodeTooLarge", e.getMessage().replace("Code.ZipFile", "code"));
      }
      throw ApiError.invalid(
          List.of(
              new ApiError.Problem("code", e.getMessage().replaceFirst("^Code\\.ZipFile: ", ""))));
    }
  }

  static byte[] zipFromJson(JsonObject code) {
    if (!(code.getValue("zipFile") instanceof String b64)) {
      throw ApiError.invalid(
          List.of(
              new ApiError.Problem(
                  "code.zipFile",
                  Resources.describe(code.getValue("zipFile"))
                      + " (expected: the zip as base64)")));
    }
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(List.of(new ApiError.Problem("code.zipFile", "not valid base64")));
    }
  }
}
