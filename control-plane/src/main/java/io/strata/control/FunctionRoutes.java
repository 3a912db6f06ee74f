package io.strata.control;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admin API of functions ({@code /v1/functions/...}), access keys ({@code /v1/access-keys}) and
 * the function runtime's state stream ({@code /v1/functions-state}, a long-poll like the node
 * stream). See {@link Functions} for the rules.
 */
final class FunctionRoutes {
  private final ControlPlane cp;
  private Functions functions;
  private final List<Promise<Void>> waiters = new ArrayList<>();
  private final AtomicLong changes = new AtomicLong();

  FunctionRoutes(ControlPlane cp) {
    this.cp = cp;
  }

  /** Made on first use, on a worker: it creates directories and reads the key file. */
  private synchronized Functions functions() {
    if (functions == null) {
      functions = new Functions(cp.options().dataDir(), cp.clock());
    }
    return functions;
  }

  List<ApiRoute> routes() {
    List<ApiRoute> r = new ArrayList<>();
    r.add(route(HttpMethod.GET, "/v1/functions-state", ApiRoute.Access.NODE, this::state));
    r.add(route(HttpMethod.GET, "/v1/function-code/{sha256}", ApiRoute.Access.NODE, this::code));
    r.add(route(HttpMethod.GET, "/v1/functions", ApiRoute.Access.READ, this::list));
    r.add(route(HttpMethod.POST, "/v1/functions", ApiRoute.Access.WRITE, this::create));
    r.add(route(HttpMethod.GET, "/v1/functions/{id}", ApiRoute.Access.READ, this::get));
    r.add(route(HttpMethod.PUT, "/v1/functions/{id}", ApiRoute.Access.WRITE, this::updateConfig));
    r.add(route(HttpMethod.DELETE, "/v1/functions/{id}", ApiRoute.Access.WRITE, this::delete));
    r.add(
        route(HttpMethod.PUT, "/v1/functions/{id}/code", ApiRoute.Access.WRITE, this::updateCode));
    r.add(
        route(
            HttpMethod.POST, "/v1/functions/{id}/versions", ApiRoute.Access.WRITE, this::publish));
    r.add(
        route(
            HttpMethod.GET,
            "/v1/functions/{id}/versions",
            ApiRoute.Access.READ,
            call -> children(call, Functions.VERSIONS)));
    r.add(
        route(
            HttpMethod.GET,
            "/v1/functions/{id}/aliases",
            ApiRoute.Access.READ,
            call -> children(call, Functions.ALIASES)));
    r.add(
        route(
            HttpMethod.PUT,
            "/v1/functions/{id}/aliases/{name}",
            ApiRoute.Access.WRITE,
            this::putAlias));
    r.add(
        route(
            HttpMethod.DELETE,
            "/v1/functions/{id}/aliases/{name}",
            ApiRoute.Access.WRITE,
            call -> deleteChild(call, Functions.ALIASES, "alias")));
    r.add(
        route(
            HttpMethod.GET,
            "/v1/functions/{id}/schedules",
            ApiRoute.Access.READ,
            call -> children(call, Functions.SCHEDULES)));
    r.add(
        route(
            HttpMethod.PUT,
            "/v1/functions/{id}/schedules/{name}",
            ApiRoute.Access.WRITE,
            this::putSchedule));
    r.add(
        route(
            HttpMethod.DELETE,
            "/v1/functions/{id}/schedules/{name}",
            ApiRoute.Access.WRITE,
            call -> deleteChild(call, Functions.SCHEDULES, "schedule")));
    r.add(route(HttpMethod.GET, "/v1/access-keys", ApiRoute.Access.WRITE, this::listKeys));
    r.add(route(HttpMethod.POST, "/v1/access-keys", ApiRoute.Access.WRITE, this::createKey));
    r.add(route(HttpMethod.DELETE, "/v1/access-keys/{id}", ApiRoute.Access.WRITE, this::deleteKey));
    return r;
  }

  private static ApiRoute route(
      HttpMethod method, String template, ApiRoute.Access access, ApiRoute.Handler handler) {
    return new ApiRoute(method, template, access, handler);
  }

  /** Wakes the function runtime's long-polls after a committed change. */
  private <T> T wake(T result) {
    changes.incrementAndGet();
    List<Promise<Void>> woken;
    synchronized (waiters) {
      woken = new ArrayList<>(waiters);
      waiters.clear();
    }
    woken.forEach(Promise::tryComplete);
    return result;
  }

  // ---- functions

  private Future<ApiReply> list(ApiCall call) {
    return cp.blocking(
        c -> {
          Resources.Page page =
              Resources.list(c, Functions.FUNCTIONS, call.query("marker"), call.limit());
          return ApiReply.ok(page.toJson(f -> f.toJson(null)));
        });
  }

  private Future<ApiReply> get(ApiCall call) {
    String id = call.param("id");
    return cp.blocking(
        c -> {
          StoredResource f = Resources.find(c, Functions.FUNCTIONS, id);
          if (f == null) {
            throw ApiError.notFound("the function '" + id + "'");
          }
          return ApiReply.of(200, f.toJson(null), f.etag());
        });
  }

  private Future<ApiReply> create(ApiCall call) {
    JsonObject body = call.json();
    return cp.blocking(c -> functions().create(c, body, call.actor()))
        .map(changed(r -> ApiReply.of(201, r.toJson(null), r.etag())));
  }

  private Future<ApiReply> updateConfig(ApiCall call) {
    JsonObject body = call.json();
    String ifMatch = call.request().getHeader("If-Match");
    return cp.blocking(
            c -> functions().updateConfig(c, call.param("id"), body, ifMatch, call.actor()))
        .map(changed(r -> ApiReply.of(200, r.toJson(null), r.etag())));
  }

  /** A raw {@code application/zip} body, or JSON {@code {"zipFile": base64}}. */
  private Future<ApiReply> updateCode(ApiCall call) {
    String type = call.request().getHeader("Content-Type");
    byte[] zip =
        type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/zip")
            ? call.body().getBytes()
            : Functions.zipFromJson(call.json());
    String ifMatch = call.request().getHeader("If-Match");
    return cp.blocking(c -> functions().updateCode(c, call.param("id"), zip, ifMatch, call.actor()))
        .map(changed(r -> ApiReply.of(200, r.toJson(null), r.etag())));
  }

  private Future<ApiReply> delete(ApiCall call) {
    String ifMatch = call.request().getHeader("If-Match");
    return cp.blocking(
            c -> {
              functions().delete(c, call.param("id"), ifMatch, call.actor());
              return ApiReply.noContent();
            })
        .map(changed(r -> r));
  }

  private Future<ApiReply> publish(ApiCall call) {
    JsonObject body = call.body().length() == 0 ? new JsonObject() : call.json();
    return cp.blocking(c -> functions().publish(c, call.param("id"), body, call.actor()))
        .map(
            changed(
                p ->
                    ApiReply.of(
                        p.created() ? 201 : 200, p.version().toJson(null), p.version().etag())));
  }

  private Future<ApiReply> putAlias(ApiCall call) {
    JsonObject body = call.json();
    String ifMatch = call.request().getHeader("If-Match");
    return cp.blocking(
            c ->
                functions()
                    .putAlias(c, call.param("id"), call.param("name"), body, ifMatch, call.actor()))
        .map(changed(r -> ApiReply.of(200, r.toJson(null), r.etag())));
  }

  private Future<ApiReply> putSchedule(ApiCall call) {
    JsonObject body = call.json();
    String ifMatch = call.request().getHeader("If-Match");
    return cp.blocking(
            c ->
                functions()
                    .putSchedule(
                        c, call.param("id"), call.param("name"), body, ifMatch, call.actor()))
        .map(changed(r -> ApiReply.of(200, r.toJson(null), r.etag())));
  }

  private Future<ApiReply> children(ApiCall call, String kind) {
    String id = call.param("id");
    return cp.blocking(
        c -> {
          if (Resources.find(c, Functions.FUNCTIONS, id) == null) {
            throw ApiError.notFound("the function '" + id + "'");
          }
          JsonArray items = new JsonArray();
          Functions.children(c, kind, id).forEach(r -> items.add(r.toJson(null)));
          return ApiReply.ok(new JsonObject().put("items", items));
        });
  }

  private Future<ApiReply> deleteChild(ApiCall call, String kind, String label) {
    String id = call.param("id");
    String name = call.param("name");
    String ifMatch = call.request().getHeader("If-Match");
    return cp.blocking(
            c -> {
              functions()
                  .deleteChild(
                      c,
                      kind,
                      id + ":" + name,
                      ifMatch,
                      call.actor(),
                      "the " + label + " '" + name + "' of function '" + id + "'");
              return ApiReply.noContent();
            })
        .map(changed(r -> r));
  }

  // ---- access keys

  private Future<ApiReply> listKeys(ApiCall call) {
    return cp.blocking(
        c -> {
          JsonArray items = new JsonArray();
          for (StoredResource k : Resources.changedAfter(c, Functions.KEYS, -1)) {
            items.add(Functions.keyJson(k.body(), k.createdAt()));
          }
          return ApiReply.ok(new JsonObject().put("items", items));
        });
  }

  private Future<ApiReply> createKey(ApiCall call) {
    JsonObject body = call.body().length() == 0 ? new JsonObject() : call.json();
    return cp.blocking(c -> functions().createKey(c, body, call.actor()))
        .map(changed(k -> ApiReply.of(201, k, null)));
  }

  private Future<ApiReply> deleteKey(ApiCall call) {
    return cp.blocking(
            c -> {
              functions().deleteKey(c, call.param("id"), call.actor());
              return ApiReply.noContent();
            })
        .map(changed(r -> r));
  }

  // ---- the function runtime's side

  /**
   * The whole function state when its version differs from {@code after}; otherwise held until a
   * change is committed (200) or the poll timeout passes (204).
   */
  private Future<ApiReply> state(ApiCall call) {
    long after;
    try {
      after = Long.parseLong(call.query("after") == null ? "-1" : call.query("after"));
    } catch (NumberFormatException e) {
      return Future.failedFuture(
          ApiError.invalid(
              List.of(
                  new ApiError.Problem(
                      "after", "'" + call.query("after") + "' (expected: a version number)"))));
    }
    long seen = changes.get();
    return cp.blocking(Functions::version)
        .compose(
            current -> {
              if (current != after) {
                return cp.blocking(c -> ApiReply.ok(functions().state(c)));
              }
              Promise<Void> promise = Promise.promise();
              synchronized (waiters) {
                waiters.add(promise);
              }
              if (changes.get() != seen) {
                promise.tryComplete();
              }
              long timer =
                  cp.vertx()
                      .setTimer(cp.options().pollTimeoutMillis(), t -> promise.tryFail("timeout"));
              return promise
                  .future()
                  .compose(
                      v -> {
                        cp.vertx().cancelTimer(timer);
                        return cp.blocking(c -> ApiReply.ok(functions().state(c)));
                      },
                      err -> {
                        synchronized (waiters) {
                          waiters.remove(promise);
                        }
                        return Future.succeededFuture(ApiReply.noContent());
                      });
            });
  }

  private Future<ApiReply> code(ApiCall call) {
    String sha = call.param("sha256");
    return cp.blocking(
        c -> {
          byte[] zip = functions().zip(sha);
          if (zip == null) {
            throw ApiError.notFound("the code bundle '" + sha + "'");
          }
          return new ApiReply(200, Buffer.buffer(zip), null);
        });
  }

  private <T> java.util.function.Function<T, ApiReply> changed(
      java.util.function.Function<T, ApiReply> reply) {
    return t -> wake(reply.apply(t));
  }
}
