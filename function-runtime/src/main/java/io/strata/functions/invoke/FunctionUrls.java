package io.strata.functions.invoke;

import io.strata.functions.env.Invocation;
import io.strata.functions.env.InvocationResult;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.env.Scheduler;
import io.strata.functions.model.FunctionRegistry;
import io.strata.functions.model.FunctionVersion;
import io.strata.functions.model.LambdaException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lambda function URLs, so a function can be an HTTP origin (behind Strata's cache, for one):
 * {@code /strata/url/{function}[:qualifier]/{path}} invokes the function with the payload format
 * 2.0 event and turns its result into the HTTP response ({@code statusCode}, {@code headers},
 * {@code cookies}, {@code body}, {@code isBase64Encoded}; any other JSON is a 200 {@code
 * application/json} body). A function is reachable only after CreateFunctionUrlConfig; {@code
 * AuthType: AWS_IAM} requires a SigV4 signature, {@code NONE} is public.
 */
final class FunctionUrls {
  static final String PREFIX = "/strata/url/";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private final FunctionRegistry registry;
  private final Scheduler scheduler;
  private final RuntimeSettings settings;
  private final Map<String, String> authTypes = new ConcurrentHashMap<>();

  FunctionUrls(FunctionRegistry registry, Scheduler scheduler, RuntimeSettings settings) {
    this.registry = registry;
    this.scheduler = scheduler;
    this.settings = settings;
  }

  /** CreateFunctionUrlConfig / UpdateFunctionUrlConfig. */
  JsonObject configure(String function, String qualifier, JsonObject in, String base) {
    registry.resolve(function, qualifier);
    String authType = in.getString("AuthType");
    if (!"NONE".equals(authType) && !"AWS_IAM".equals(authType)) {
      throw LambdaException.invalidParameter(
          "AuthType: '" + authType + "' (expected: NONE or AWS_IAM)");
    }
    String key = qualifier == null ? function : function + ":" + qualifier;
    authTypes.put(key, authType);
    return new JsonObject()
        .put("FunctionUrl", base + PREFIX + key + "/")
        .put(
            "FunctionArn",
            settings.functionArn(function) + (qualifier == null ? "" : ":" + qualifier))
        .put("AuthType", authType)
        .put("InvokeMode", "BUFFERED")
        .put("CreationTime", Instant.now().toString());
  }

  void forget(String function) {
    authTypes.keySet().removeIf(k -> k.equals(function) || k.startsWith(function + ":"));
  }

  /**
   * @return the auth type of the URL {@code path} addresses (404 when it has none)
   */
  String authType(String path) {
    String key = key(path);
    String type = authTypes.get(key);
    if (type == null) {
      throw LambdaException.notFound("no function URL: " + key);
    }
    return type;
  }

  private static String key(String path) {
    String rest = path.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  void handle(HttpServerRequest req, Buffer body) {
    String path = req.path();
    String key = key(path);
    String rawPath = path.substring(PREFIX.length() + key.length());
    rawPath = rawPath.isEmpty() ? "/" : rawPath;
    int colon = key.indexOf(':');
    String function = colon < 0 ? key : key.substring(0, colon);
    String qualifier = colon < 0 ? null : key.substring(colon + 1);
    FunctionVersion fn = registry.resolve(function, qualifier);
    String requestId = UUID.randomUUID().toString();
    JsonObject event = event(req, rawPath, body, requestId, key);
    Invocation inv =
        Invocation.of(
            requestId,
            event.encode().getBytes(StandardCharsets.UTF_8),
            settings.functionArn(function) + (qualifier == null ? "" : ":" + qualifier),
            null,
            null,
            null);
    HttpServerResponse resp = req.response();
    scheduler
        .invoke(fn, inv)
        .whenComplete(
            (r, e) -> {
              if (e != null || r.failed()) {
                resp.setStatusCode(502)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("x-amzn-RequestId", requestId)
                    .end("{\"Message\":\"Internal Server Error\"}");
              } else {
                respond(resp, r, requestId);
              }
            });
  }

  private JsonObject event(
      HttpServerRequest req, String rawPath, Buffer body, String requestId, String key) {
    JsonObject headers = new JsonObject();
    JsonArray cookies = new JsonArray();
    MultiMap h = req.headers();
    for (String name : h.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("cookie")) {
        for (String c : String.join("; ", h.getAll(name)).split(";\\s*")) {
          if (!c.isEmpty()) {
            cookies.add(c);
          }
        }
      } else {
        headers.put(lower, String.join(",", h.getAll(name)));
      }
    }
    JsonObject query = new JsonObject();
    for (var p : req.params()) {
      String existing = query.getString(p.getKey());
      query.put(p.getKey(), existing == null ? p.getValue() : existing + "," + p.getValue());
    }
    String contentType = h.get("Content-Type");
    boolean text =
        contentType == null
            || contentType.startsWith("text/")
            || contentType.contains("json")
            || contentType.contains("xml")
            || contentType.contains("x-www-form-urlencoded")
            || contentType.contains("javascript");
    long now = System.currentTimeMillis();
    JsonObject event =
        new JsonObject()
            .put("version", "2.0")
            .put("routeKey", "$default")
            .put("rawPath", rawPath)
            .put("rawQueryString", req.query() == null ? "" : req.query())
            .put("headers", headers)
            .put(
                "requestContext",
                new JsonObject()
                    .put("accountId", "anonymous")
                    .put("apiId", key)
                    .put("domainName", h.get("Host"))
                    .put("domainPrefix", key)
                    .put(
                        "http",
                        new JsonObject()
                            .put("method", req.method().name())
                            .put("path", rawPath)
                            .put("protocol", req.version() == null ? "HTTP/1.1" : "HTTP/1.1")
                            .put(
                                "sourceIp",
                                req.remoteAddress() == null
                                    ? ""
                                    : req.remoteAddress().hostAddress())
                            .put("userAgent", h.get("User-Agent")))
                    .put("requestId", requestId)
                    .put("routeKey", "$default")
                    .put("stage", "$default")
                    .put("time", TIME.format(Instant.ofEpochMilli(now)))
                    .put("timeEpoch", now))
            .put("isBase64Encoded", body.length() > 0 && !text);
    if (!cookies.isEmpty()) {
      event.put("cookies", cookies);
    }
    if (!query.isEmpty()) {
      event.put("queryStringParameters", query);
    }
    if (body.length() > 0) {
      event.put(
          "body",
          text
              ? body.toString(StandardCharsets.UTF_8)
              : Base64.getEncoder().encodeToString(body.getBytes()));
    }
    return event;
  }

  /** Payload format 2.0 response rules (as for HTTP APIs and function URLs). */
  private static void respond(HttpServerResponse resp, InvocationResult r, String requestId) {
    resp.putHeader("x-amzn-RequestId", requestId);
    Object value;
    try {
      value = r.payload().length == 0 ? null : Json.decodeValue(Buffer.buffer(r.payload()));
    } catch (RuntimeException e) {
      value = null;
    }
    if (value instanceof JsonObject o && o.containsKey("statusCode")) {
      resp.setStatusCode(o.getInteger("statusCode", 200));
      JsonObject headers = o.getJsonObject("headers", new JsonObject());
      headers.forEach(e -> resp.putHeader(e.getKey(), String.valueOf(e.getValue())));
      JsonArray cookies = o.getJsonArray("cookies", new JsonArray());
      for (Object c : cookies) {
        resp.headers().add("Set-Cookie", String.valueOf(c));
      }
      String body = o.getString("body");
      if (body == null) {
        resp.end();
      } else if (o.getBoolean("isBase64Encoded", false)) {
        resp.end(Buffer.buffer(Base64.getDecoder().decode(body)));
      } else {
        resp.end(body);
      }
      return;
    }
    resp.setStatusCode(200)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(r.payload().length == 0 ? "null".getBytes() : r.payload()));
  }
}
