package io.strata.control;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The admin API's routes and their handlers. Handlers validate on the event loop, do their database
 * work through {@link ControlPlane#blocking}, and answer JSON.
 */
final class AdminRoutes {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private final ControlPlane cp;
  private final String openApi;

  AdminRoutes(ControlPlane cp) {
    this.cp = cp;
    try (InputStream in = AdminRoutes.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the control-plane jar");
      }
      this.openApi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.json", e);
    }
  }

  List<ApiRoute> routes() {
    List<ApiRoute> r = new ArrayList<>();
    r.add(route(HttpMethod.GET, "/v1/openapi.json", ApiRoute.Access.PUBLIC, this::openApi));
    r.add(route(HttpMethod.GET, "/v1/status", ApiRoute.Access.READ, this::status));
    r.add(route(HttpMethod.GET, "/v1/config", ApiRoute.Access.READ, this::config));
    // Literal node routes come before /v1/nodes/{id}.
    r.add(route(HttpMethod.GET, "/v1/nodes/stream", ApiRoute.Access.NODE, this::stream));
    r.add(route(HttpMethod.GET, "/v1/nodes", ApiRoute.Access.READ, this::listNodes));
    r.add(route(HttpMethod.POST, "/v1/nodes", ApiRoute.Access.NODE, this::register));
    r.add(route(HttpMethod.GET, "/v1/nodes/{id}", ApiRoute.Access.READ, this::getNode));
    r.add(route(HttpMethod.DELETE, "/v1/nodes/{id}", ApiRoute.Access.WRITE, this::deleteNode));
    r.add(
        route(HttpMethod.POST, "/v1/nodes/{id}/heartbeat", ApiRoute.Access.NODE, this::heartbeat));
    for (ResourceKind kind : ResourceKind.values()) {
      String base = "/v1/" + kind.segment();
      r.add(route(HttpMethod.GET, base, ApiRoute.Access.READ, call -> list(kind, call)));
      r.add(route(HttpMethod.POST, base, ApiRoute.Access.WRITE, call -> create(kind, call)));
      r.add(route(HttpMethod.GET, base + "/{id}", ApiRoute.Access.READ, call -> get(kind, call)));
      r.add(
          route(HttpMethod.PUT, base + "/{id}", ApiRoute.Access.WRITE, call -> update(kind, call)));
      r.add(
          route(
              HttpMethod.DELETE,
              base + "/{id}",
              ApiRoute.Access.WRITE,
              call -> delete(kind, call)));
    }
    r.add(
        route(
            HttpMethod.POST,
            "/v1/distributions/{id}/invalidations",
            ApiRoute.Access.WRITE,
            this::createInvalidation));
    r.add(
        route(
            HttpMethod.GET,
            "/v1/distributions/{id}/invalidations",
            ApiRoute.Access.READ,
            this::listInvalidations));
    r.add(
        route(
            HttpMethod.GET,
            "/v1/distributions/{id}/invalidations/{invalidationId}",
            ApiRoute.Access.READ,
            this::getInvalidation));
    r.add(route(HttpMethod.POST, "/v1/prewarm-jobs", ApiRoute.Access.WRITE, this::createPrewarm));
    r.add(route(HttpMethod.GET, "/v1/prewarm-jobs", ApiRoute.Access.READ, this::listPrewarm));
    r.add(route(HttpMethod.GET, "/v1/prewarm-jobs/{id}", ApiRoute.Access.READ, this::getPrewarm));
    r.add(route(HttpMethod.GET, "/v1/tokens", ApiRoute.Access.WRITE, this::listTokens));
    r.add(route(HttpMethod.POST, "/v1/tokens", ApiRoute.Access.WRITE, this::createToken));
    r.add(route(HttpMethod.DELETE, "/v1/tokens/{id}", ApiRoute.Access.WRITE, this::deleteToken));
    r.add(route(HttpMethod.GET, "/v1/audit", ApiRoute.Access.READ, this::audit));
    r.addAll(new FunctionRoutes(cp).routes());
    return List.copyOf(r);
  }

  private static ApiRoute route(
      HttpMethod method, String template, ApiRoute.Access access, ApiRoute.Handler handler) {
    return new ApiRoute(method, template, access, handler);
  }

  // ---- general

  private Future<ApiReply> openApi(ApiCall call) {
    return Future.succeededFuture(ApiReply.ok(new JsonObject(openApi)));
  }

  private Future<ApiReply> status(ApiCall call) {
    return cp.blocking(
        c -> {
          List<Nodes.Node> all = cp.nodes().all(c);
          long version = Store.configVersion(c);
          int up = 0;
          int rejecting = 0;
          long lowest = Long.MAX_VALUE;
          for (Nodes.Node n : all) {
            if (n.rejecting()) {
              rejecting++;
            }
            if (cp.nodes().isLive(n)) {
              up++;
              lowest = Math.min(lowest, n.appliedVersion());
            }
          }
          int pending =
              Resources.changedAfter(
                      c, Invalidations.KIND, lowest == Long.MAX_VALUE ? version : lowest)
                  .size();
          JsonObject body =
              new JsonObject()
                  .put("configVersion", version)
                  .put("nodesUp", up)
                  .put("nodesDown", all.size() - up)
                  .put("nodesRejectingConfig", rejecting)
                  .put("lowestAppliedVersion", lowest == Long.MAX_VALUE ? version : lowest)
                  .put(
                      "status",
                      lowest == Long.MAX_VALUE || lowest >= version ? "Deployed" : "InProgress")
                  .put("invalidationsInProgress", pending);
          for (ResourceKind kind : ResourceKind.values()) {
            body.put(kind.fileKey(), count(c, kind.segment()));
          }
          return ApiReply.ok(body);
        });
  }

  private Future<ApiReply> config(ApiCall call) {
    ControlPlane.Published p = cp.published();
    return Future.succeededFuture(
        ApiReply.ok(new JsonObject().put("version", p.version()).put("config", p.document())));
  }

  private static int count(Connection c, String kind) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT COUNT(*) FROM strata_resources WHERE kind = ?")) {
      s.setString(1, kind);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  // ---- resources

  private Future<ApiReply> list(ResourceKind kind, ApiCall call) {
    int limit = call.limit();
    String marker = call.query("marker");
    return cp.blocking(
        c -> {
          Resources.Page page = Resources.list(c, kind.segment(), marker, limit);
          long lowest = cp.nodes().lowestLiveApplied(c);
          return ApiReply.ok(page.toJson(r -> r.toJson(deployStatus(kind, r, lowest))));
        });
  }

  private Future<ApiReply> get(ResourceKind kind, ApiCall call) {
    String id = call.param("id");
    return cp.blocking(
        c -> {
          StoredResource r = Resources.find(c, kind.segment(), id);
          if (r == null) {
            throw ApiError.notFound("the " + kind.label() + " '" + id + "'");
          }
          return ApiReply.of(
              200, r.toJson(deployStatus(kind, r, cp.nodes().lowestLiveApplied(c))), r.etag());
        });
  }

  private static String deployStatus(ResourceKind kind, StoredResource r, long lowestApplied) {
    if (kind != ResourceKind.DISTRIBUTION) {
      return null;
    }
    return r.version() <= lowestApplied ? "Deployed" : "InProgress";
  }

  private Future<ApiReply> create(ResourceKind kind, ApiCall call) {
    var body = call.json();
    return cp.blocking(c -> cp.resources().create(c, kind, body, call.actor()))
        .map(
            change -> {
              cp.publish(change.version(), change.snapshot());
              return ApiReply.of(
                  201, change.after().toJson(deployStatusAfterChange(kind)), change.after().etag());
            });
  }

  private Future<ApiReply> update(ResourceKind kind, ApiCall call) {
    var body = call.json();
    String ifMatch = call.request().getHeader("If-Match");
    return cp.blocking(
            c -> cp.resources().update(c, kind, call.param("id"), body, ifMatch, call.actor()))
        .map(
            change -> {
              cp.publish(change.version(), change.snapshot());
              return ApiReply.of(
                  200, change.after().toJson(deployStatusAfterChange(kind)), change.after().etag());
            });
  }

  private Future<ApiReply> delete(ResourceKind kind, ApiCall call) {
    String ifMatch = call.request().getHeader("If-Match");
    return cp.blocking(c -> cp.resources().delete(c, kind, call.param("id"), ifMatch, call.actor()))
        .map(
            change -> {
              cp.publish(change.version(), change.snapshot());
              return ApiReply.noContent();
            });
  }

  /** Right after a change, nodes have not applied it yet unless none is live. */
  private static String deployStatusAfterChange(ResourceKind kind) {
    return kind == ResourceKind.DISTRIBUTION ? "InProgress" : null;
  }

  // ---- invalidations

  private Future<ApiReply> createInvalidation(ApiCall call) {
    var body = call.json();
    return cp.blocking(
            c -> {
              StoredResource r = cp.invalidations().create(c, call.param("id"), body, call.actor());
              return r;
            })
        .map(
            r -> {
              cp.publish(r.version(), cp.published().document());
              return ApiReply.of(201, invalidationJson(r, Long.MIN_VALUE), null);
            });
  }

  private Future<ApiReply> listInvalidations(ApiCall call) {
    String distributionId = call.param("id");
    return cp.blocking(
        c -> {
          if (Resources.find(c, ResourceKind.DISTRIBUTION.segment(), distributionId) == null) {
            throw ApiError.notFound("the distribution '" + distributionId + "'");
          }
          long lowest = cp.nodes().lowestLiveApplied(c);
          JsonArray items = new JsonArray();
          for (StoredResource r : Resources.changedAfter(c, Invalidations.KIND, 0)) {
            if (distributionId.equals(r.body().getString("distributionId"))) {
              items.add(invalidationJson(r, lowest));
            }
          }
          return ApiReply.ok(new JsonObject().put("items", items));
        });
  }

  private Future<ApiReply> getInvalidation(ApiCall call) {
    return cp.blocking(
        c -> {
          StoredResource r = Resources.find(c, Invalidations.KIND, call.param("invalidationId"));
          if (r == null || !call.param("id").equals(r.body().getString("distributionId"))) {
            throw ApiError.notFound(
                "the invalidation '"
                    + call.param("invalidationId")
                    + "' of distribution '"
                    + call.param("id")
                    + "'");
          }
          return ApiReply.ok(invalidationJson(r, cp.nodes().lowestLiveApplied(c)));
        });
  }

  private static JsonObject invalidationJson(StoredResource r, long lowestApplied) {
    JsonObject json = r.body().copy();
    json.put("id", r.id());
    json.put("version", r.version());
    json.put("createTime", java.time.Instant.ofEpochMilli(r.createdAt()).toString());
    json.put("status", r.version() <= lowestApplied ? "Completed" : "InProgress");
    return json;
  }

  // ---- pre-warming

  private Future<ApiReply> createPrewarm(ApiCall call) {
    var body = call.json();
    return cp.prewarmer().create(body, call.actor()).map(job -> ApiReply.of(201, job, null));
  }

  private Future<ApiReply> listPrewarm(ApiCall call) {
    return cp.blocking(
        c -> {
          Resources.Page page =
              Resources.list(c, Prewarmer.KIND, call.query("marker"), call.limit());
          return ApiReply.ok(page.toJson(r -> Prewarmer.toJson(r)));
        });
  }

  private Future<ApiReply> getPrewarm(ApiCall call) {
    return cp.blocking(
        c -> {
          StoredResource r = Resources.find(c, Prewarmer.KIND, call.param("id"));
          if (r == null) {
            throw ApiError.notFound("the pre-warm job '" + call.param("id") + "'");
          }
          return ApiReply.ok(Prewarmer.toJson(r));
        });
  }

  // ---- nodes

  private Future<ApiReply> register(ApiCall call) {
    JsonObject body = call.json();
    List<ApiError.Problem> problems = new ArrayList<>();
    String id = requiredString(body, "id", problems);
    String role = requiredString(body, "role", problems);
    String address = requiredString(body, "address", problems);
    String software = body.getValue("version") instanceof String s ? s : "unknown";
    long applied = body.getValue("appliedVersion") instanceof Number n ? n.longValue() : 0;
    if (id != null && !NODE_ID.matcher(id).matches()) {
      problems.add(
          new ApiError.Problem("id", "'" + id + "' (expected: 1 to 128 of A-Z a-z 0-9 . _ : -)"));
    }
    if (address != null && !isHttpAddress(address)) {
      problems.add(
          new ApiError.Problem(
              "address",
              "'" + address + "' (expected: http(s)://host:port, where the node listens)"));
    }
    if (role != null && !role.equals("edge") && !role.equals("regional")) {
      problems.add(new ApiError.Problem("role", "'" + role + "' (expected: edge or regional)"));
    }
    if (!problems.isEmpty()) {
      return Future.failedFuture(ApiError.invalid(problems));
    }
    return cp.blocking(
        c -> {
          cp.nodes().register(c, id, role, address, software, applied);
          return ApiReply.ok(
              new JsonObject().put("id", id).put("configVersion", Store.configVersion(c)));
        });
  }

  private Future<ApiReply> heartbeat(ApiCall call) {
    JsonObject body = call.json();
    if (!(body.getValue("appliedVersion") instanceof Number applied)) {
      return Future.failedFuture(
          ApiError.invalid(
              List.of(
                  new ApiError.Problem(
                      "appliedVersion",
                      Resources.describe(body.getValue("appliedVersion"))
                          + " (expected: a number)"))));
    }
    long rejected = body.getValue("rejectedVersion") instanceof Number n ? n.longValue() : 0;
    String rejection =
        body.getValue("rejection") instanceof String text
            ? text.substring(0, Math.min(text.length(), 1024))
            : null;
    String id = call.param("id");
    return cp.blocking(
        c -> {
          if (!cp.nodes().heartbeat(c, id, applied.longValue(), rejected, rejection)) {
            throw ApiError.notFound("the node '" + id + "' (register first)");
          }
          return ApiReply.ok(new JsonObject().put("configVersion", Store.configVersion(c)));
        });
  }

  private Future<ApiReply> listNodes(ApiCall call) {
    return cp.blocking(
        c -> {
          JsonArray items = new JsonArray();
          for (Nodes.Node n : cp.nodes().all(c)) {
            items.add(n.toJson(cp.nodes().isLive(n)));
          }
          return ApiReply.ok(
              new JsonObject().put("configVersion", Store.configVersion(c)).put("items", items));
        });
  }

  /** Forgets a node (one retired for good); a node that is still running registers again. */
  private Future<ApiReply> deleteNode(ApiCall call) {
    String id = call.param("id");
    return cp.blocking(
        c -> {
          try (PreparedStatement s = c.prepareStatement("DELETE FROM strata_nodes WHERE id = ?")) {
            s.setString(1, id);
            if (s.executeUpdate() != 1) {
              throw ApiError.notFound("the node '" + id + "'");
            }
          }
          Resources.audit(
              c, call.actor(), "delete", "nodes", id, null, null, Store.configVersion(c));
          return ApiReply.noContent();
        });
  }

  private Future<ApiReply> getNode(ApiCall call) {
    return cp.blocking(
        c -> {
          for (Nodes.Node n : cp.nodes().all(c)) {
            if (n.id().equals(call.param("id"))) {
              return ApiReply.ok(n.toJson(cp.nodes().isLive(n)));
            }
          }
          throw ApiError.notFound("the node '" + call.param("id") + "'");
        });
  }

  /**
   * The config stream, by long-poll: answers at once when the published version differs from {@code
   * after}, else holds the request until a change is published (200) or the poll timeout passes
   * (204). Polling with {@code after=V} also acknowledges that node {@code node} applied V.
   */
  private Future<ApiReply> stream(ApiCall call) {
    long after;
    try {
      after = Long.parseLong(call.query("after") == null ? "0" : call.query("after"));
    } catch (NumberFormatException e) {
      return Future.failedFuture(
          ApiError.invalid(
              List.of(
                  new ApiError.Problem(
                      "after", "'" + call.query("after") + "' (expected: a version number)"))));
    }
    // A node that refused a version waits for the next one (after = the refused version) while it
    // still serves, and wants the invalidations since, the version it applied.
    long applied;
    try {
      applied = call.query("applied") == null ? after : Long.parseLong(call.query("applied"));
    } catch (NumberFormatException e) {
      return Future.failedFuture(
          ApiError.invalid(
              List.of(
                  new ApiError.Problem(
                      "applied", "'" + call.query("applied") + "' (expected: a version number)"))));
    }
    String node = call.query("node");
    Future<Void> ack =
        node == null
            ? Future.succeededFuture()
            : cp.<Void>blocking(
                c -> {
                  cp.nodes().heartbeat(c, node, applied);
                  return null;
                });
    return ack.compose(v -> cp.awaitVersionAfter(after))
        .compose(
            changed -> {
              if (!changed) {
                return Future.succeededFuture(ApiReply.noContent());
              }
              ControlPlane.Published p = cp.published();
              return cp.blocking(
                  c -> {
                    JsonArray items = new JsonArray();
                    // A node starting from nothing has an empty cache: old invalidations are moot.
                    if (applied > 0 && applied < p.version()) {
                      for (StoredResource r :
                          Resources.changedAfter(c, Invalidations.KIND, applied)) {
                        if (r.version() <= p.version()) {
                          JsonObject inv =
                              r.body().copy().put("id", r.id()).put("version", r.version());
                          items.add(inv);
                        }
                      }
                    }
                    return ApiReply.ok(
                        new JsonObject()
                            .put("version", p.version())
                            .put("config", p.document())
                            .put("invalidations", items));
                  });
            });
  }

  // ---- tokens and audit

  private Future<ApiReply> listTokens(ApiCall call) {
    JsonArray items = new JsonArray();
    for (Tokens.TokenInfo t : cp.tokens().list()) {
      items.add(
          new JsonObject()
              .put("id", t.id())
              .put("role", t.role().wire)
              .put("description", t.description())
              .put("createdAt", java.time.Instant.ofEpochMilli(t.createdAt()).toString()));
    }
    return Future.succeededFuture(ApiReply.ok(new JsonObject().put("items", items)));
  }

  private Future<ApiReply> createToken(ApiCall call) {
    JsonObject body = call.json();
    Tokens.Role role = Tokens.Role.parse(String.valueOf(body.getValue("role")));
    if (role == null) {
      return Future.failedFuture(
          ApiError.invalid(
              List.of(
                  new ApiError.Problem(
                      "role",
                      Resources.describe(body.getValue("role"))
                          + " (expected: admin, read-only or node)"))));
    }
    String description = body.getValue("description") instanceof String s ? s : "";
    return cp.blocking(
        c -> {
          Tokens.Issued issued =
              cp.tokens().create(c, role, description, null, cp.clock().millis());
          Resources.audit(
              c, call.actor(), "create", "tokens", issued.id(), null, null, Store.configVersion(c));
          c.commit();
          cp.tokens().load(c);
          return ApiReply.of(
              201,
              new JsonObject()
                  .put("id", issued.id())
                  .put("role", role.wire)
                  .put("token", issued.secret()),
              null);
        });
  }

  private Future<ApiReply> deleteToken(ApiCall call) {
    String id = call.param("id");
    return cp.blocking(
        c -> {
          if (!cp.tokens().delete(c, id)) {
            throw ApiError.notFound("the token '" + id + "'");
          }
          Resources.audit(
              c, call.actor(), "delete", "tokens", id, null, null, Store.configVersion(c));
          c.commit();
          cp.tokens().load(c);
          return ApiReply.noContent();
        });
  }

  private Future<ApiReply> audit(ApiCall call) {
    int limit = call.limit();
    return cp.blocking(
        c -> {
          JsonArray items = new JsonArray();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT seq, at, actor, action, kind, resource_id, old_etag, new_etag,"
                      + " config_version FROM strata_audit ORDER BY seq DESC")) {
            s.setMaxRows(limit);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                items.add(
                    new JsonObject()
                        .put("seq", rs.getLong(1))
                        .put("at", java.time.Instant.ofEpochMilli(rs.getLong(2)).toString())
                        .put("actor", rs.getString(3))
                        .put("action", rs.getString(4))
                        .put("kind", rs.getString(5))
                        .put("id", rs.getString(6))
                        .put("oldEtag", rs.getString(7))
                        .put("newEtag", rs.getString(8))
                        .put("configVersion", rs.getLong(9)));
              }
            }
          }
          return ApiReply.ok(new JsonObject().put("items", items));
        });
  }

  private static boolean isHttpAddress(String address) {
    try {
      java.net.URI uri = new java.net.URI(address);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getPort() > 0;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static String requiredString(
      JsonObject body, String field, List<ApiError.Problem> problems) {
    Object v = body.getValue(field);
    if (v instanceof String s && !s.isBlank()) {
      return s;
    }
    problems.add(
        new ApiError.Problem(field, Resources.describe(v) + " (expected: a non-empty string)"));
    return null;
  }
}
