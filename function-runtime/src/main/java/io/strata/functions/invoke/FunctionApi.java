package io.strata.functions.invoke;

import io.strata.core.time.Clock;
import io.strata.functions.bundle.BundleStore;
import io.strata.functions.env.Invocation;
import io.strata.functions.env.InvocationResult;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.env.Scheduler;
import io.strata.functions.env.Throttled;
import io.strata.functions.model.Alias;
import io.strata.functions.model.FunctionConfig;
import io.strata.functions.model.FunctionRegistry;
import io.strata.functions.model.FunctionVersion;
import io.strata.functions.model.LambdaException;
import io.strata.functions.model.Runtime;
import io.strata.functions.schedule.Schedules;
import io.strata.functions.sigv4.SigV4Verifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Lambda's API over HTTP, in Lambda's own paths and shapes so the AWS SDKs call it unchanged:
 * {@code Invoke} and the function management calls (CreateFunction, GetFunction, DeleteFunction,
 * UpdateFunctionCode, UpdateFunctionConfiguration, PublishVersion, CreateAlias/GetAlias/
 * UpdateAlias, PutFunctionConcurrency, PutFunctionEventInvokeConfig). Errors use Lambda's wire
 * format: {@code x-amzn-ErrorType} and a JSON body.
 */
public final class FunctionApi {
  private static final System.Logger LOG = System.getLogger(FunctionApi.class.getName());
  static final int MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
  static final int MAX_ASYNC_PAYLOAD = 1024 * 1024;

  /** A 50 MB zip in base64 inside CreateFunction's JSON. */
  static final int MAX_MANAGEMENT_BODY = 70 * 1024 * 1024;

  private static final String FUNCTIONS = "/2015-03-31/functions";

  private final Vertx vertx;
  private final FunctionRegistry registry;
  private final BundleStore bundles;
  private final Scheduler scheduler;
  private final AsyncInvoker async;
  private final RuntimeSettings settings;
  private final Auth auth;
  private final SigV4Verifier verifier;
  private final Schedules schedules;
  private final FunctionUrls urls;

  public FunctionApi(
      Vertx vertx,
      FunctionRegistry registry,
      BundleStore bundles,
      Scheduler scheduler,
      AsyncInvoker async,
      RuntimeSettings settings,
      Auth auth,
      Clock clock,
      Schedules schedules) {
    this.schedules = schedules;
    this.urls = new FunctionUrls(registry, scheduler, settings);
    this.vertx = vertx;
    this.registry = registry;
    this.bundles = bundles;
    this.scheduler = scheduler;
    this.async = async;
    this.settings = settings;
    this.auth = auth;
    this.verifier =
        new SigV4Verifier(
            id -> {
              String secret = auth.keys().get(id);
              return secret != null ? secret : managedKeys.get(id);
            },
            clock);
  }

  /** Access keys issued by the control plane (id → secret), beside the configured ones. */
  private volatile Map<String, String> managedKeys = Map.of();

  /** The control plane this runtime follows, or null when it manages its functions itself. */
  private volatile String managedBy;

  /** Replaces the access keys the control plane issued. */
  public void accessKeys(Map<String, String> keys) {
    this.managedKeys = Map.copyOf(keys);
  }

  /**
   * Marks the functions as managed by the control plane at {@code url}: changes through this API
   * (create, update, delete, publish, aliases, concurrency, schedules) are then refused, so the
   * control plane stays the one source of truth. Invoke and the runtime-local settings (function
   * URLs, provisioned concurrency, event invoke config) stay available.
   */
  public void managedBy(String url) {
    this.managedBy = url;
  }

  public void handle(HttpServerRequest req) {
    String path = req.path();
    boolean url = path.startsWith(FunctionUrls.PREFIX);
    boolean invoke = url || path.endsWith("/invocations");
    int limit = invoke ? MAX_SYNC_PAYLOAD : MAX_MANAGEMENT_BODY;
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    long[] discarded = {0};
    req.handler(
        chunk -> {
          if (over[0]) {
            // The 413 is written; the rest of the body is read and dropped so the client, still
            // sending, can read the answer. A body far past the limit is cut short.
            discarded[0] += chunk.length();
            if (discarded[0] > 4L * limit) {
              req.connection().close();
            }
            return;
          }
          if (body.length() + chunk.length() > limit) {
            over[0] = true;
            req.response().putHeader("Connection", "close");
            error(
                req.response(),
                new LambdaException(
                    413,
                    "RequestTooLargeException",
                    "Request must be smaller than " + limit + " bytes for this operation"));
            return;
          }
          body.appendBuffer(chunk);
        });
    req.endHandler(
        v -> {
          if (over[0]) {
            return;
          }
          try {
            if (url) {
              if (urls.authType(path).equals("AWS_IAM")) {
                verifier.verify(
                    req.method().name(),
                    rawPath(req.uri()),
                    req.query(),
                    name -> {
                      var all = req.headers().getAll(name);
                      return all.isEmpty() ? null : String.join(",", all);
                    },
                    body.getBytes());
              }
              urls.handle(req, body);
              return;
            }
            authenticate(req, body);
            route(req, path, body);
          } catch (LambdaException e) {
            error(req.response(), e);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "function API failure on " + path, e);
            error(req.response(), new LambdaException(500, "ServiceException", "internal error"));
          }
        });
  }

  private void authenticate(HttpServerRequest req, Buffer body) {
    if (req.getHeader("Authorization") == null && auth.allowUnsigned()) {
      return;
    }
    if (auth.keys().isEmpty() && managedKeys.isEmpty()) {
      throw new LambdaException(
          403, "UnrecognizedClientException", "this server accepts unsigned requests only");
    }
    verifier.verify(
        req.method().name(),
        rawPath(req.uri()),
        req.query(),
        name -> {
          var all = req.headers().getAll(name);
          return all.isEmpty() ? null : String.join(",", all);
        },
        body.getBytes());
  }

  private static String rawPath(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private void route(HttpServerRequest req, String path, Buffer body) {
    String method = req.method().name();
    String controlPlane = managedBy;
    if (controlPlane != null
        && !method.equals("GET")
        && !path.endsWith("/invocations")
        && !path.startsWith("/2021-10-31/")
        && !path.startsWith("/2019-09-30/")
        && !path.startsWith("/2019-09-25/")) {
      throw new LambdaException(
          403,
          "AccessDeniedException",
          "functions are managed by the control plane at "
              + controlPlane
              + ": change them through its /v1/functions API or `strata functions deploy`");
    }
    if (path.equals(FUNCTIONS) || path.equals(FUNCTIONS + "/")) {
      switch (method) {
        case "POST" -> blocking(req, () -> create(json(body)), 201);
        case "GET" -> list(req.response());
        default -> throw methodNotAllowed(method, path);
      }
      return;
    }
    String[] seg;
    int version;
    if (path.startsWith("/strata/functions/")) {
      schedule(req, path.substring("/strata/functions/".length()).split("/"), body);
      return;
    }
    if (path.startsWith(FUNCTIONS + "/")) {
      seg = path.substring(FUNCTIONS.length() + 1).split("/");
      version = 2015;
    } else if (path.startsWith("/2017-10-31/functions/")) {
      seg = path.substring("/2017-10-31/functions/".length()).split("/");
      version = 2017;
    } else if (path.startsWith("/2021-10-31/functions/")) {
      seg = path.substring("/2021-10-31/functions/".length()).split("/");
      version = 2021;
    } else if (path.startsWith("/2019-09-30/functions/")) {
      seg = path.substring("/2019-09-30/functions/".length()).split("/");
      version = 20190930;
    } else if (path.startsWith("/2019-09-25/functions/")) {
      seg = path.substring("/2019-09-25/functions/".length()).split("/");
      version = 2019;
    } else {
      throw new LambdaException(404, "ResourceNotFoundException", "no such API path: " + path);
    }
    String name = URLDecoder.decode(seg[0], StandardCharsets.UTF_8);
    String sub = seg.length > 1 ? seg[1] : "";
    String key = version + " " + method + " " + sub + (seg.length > 2 ? "/*" : "");
    switch (key) {
      case "2015 POST invocations" -> invoke(req, name, body);
      case "2015 GET " -> ok(req.response(), 200, getFunction(FunctionName.parse(name).name()));
      case "2015 DELETE " -> {
        String n = FunctionName.parse(name).name();
        registry.delete(n);
        scheduler.retire(n);
        schedules.forget(n);
        urls.forget(n);
        req.response().setStatusCode(204).end();
      }
      case "2015 PUT code" -> blocking(req, () -> updateCode(name, json(body)), 200);
      case "2015 GET configuration" ->
          ok(req.response(), 200, configuration(registry.latest(name)));
      case "2015 PUT configuration" -> ok(req.response(), 200, updateConfig(name, json(body)));
      case "2015 POST versions" -> {
        JsonObject in = json(body);
        ok(req.response(), 201, configuration(registry.publish(name, in.getString("Description"))));
      }
      case "2015 POST aliases" -> ok(req.response(), 201, putAlias(name, null, json(body), true));
      case "2015 GET aliases/*" ->
          ok(req.response(), 200, alias(name, registry.alias(name, seg[2])));
      case "2015 PUT aliases/*" ->
          ok(req.response(), 200, putAlias(name, seg[2], json(body), false));
      case "20190930 PUT provisioned-concurrency" ->
          ok(req.response(), 202, provision(name, req.getParam("Qualifier"), json(body)));
      case "20190930 GET provisioned-concurrency" ->
          ok(req.response(), 200, provisionStatus(name, req.getParam("Qualifier")));
      case "2021 POST url", "2021 PUT url" ->
          ok(
              req.response(),
              method.equals("POST") ? 201 : 200,
              urls.configure(
                  name,
                  req.getParam("Qualifier"),
                  json(body),
                  "http://" + req.authority().host() + ":" + req.localAddress().port()));
      case "2017 PUT concurrency" -> ok(req.response(), 200, putConcurrency(name, json(body)));
      case "2019 PUT event-invoke-config", "2019 POST event-invoke-config" ->
          ok(req.response(), 200, async.putConfig(registry.latest(name), json(body)));
      default -> throw methodNotAllowed(method, path);
    }
  }

  /**
   * Strata's own schedule API (Lambda has none; EventBridge rules play that role there): {@code
   * PUT|DELETE /strata/functions/{name}/schedules/{schedule}}, {@code GET
   * /strata/functions/{name}/schedules}.
   */
  private void schedule(HttpServerRequest req, String[] seg, Buffer body) {
    String method = req.method().name();
    if (seg.length == 2 && seg[1].equals("schedules") && method.equals("GET")) {
      registry.latest(seg[0]);
      ok(req.response(), 200, schedules.list(seg[0]));
    } else if (seg.length == 3 && seg[1].equals("schedules") && method.equals("PUT")) {
      ok(req.response(), 200, schedules.put(seg[0], seg[2], json(body)));
    } else if (seg.length == 3 && seg[1].equals("schedules") && method.equals("DELETE")) {
      schedules.delete(seg[0], seg[2]);
      req.response().setStatusCode(204).end();
    } else {
      throw methodNotAllowed(method, req.path());
    }
  }

  private static LambdaException methodNotAllowed(String method, String path) {
    return new LambdaException(
        404, "ResourceNotFoundException", "no such operation: " + method + " " + path);
  }

  // ---- Invoke

  private void invoke(HttpServerRequest req, String rawName, Buffer body) {
    FunctionName fname = FunctionName.parse(rawName);
    String qualifier = req.getParam("Qualifier");
    if (qualifier != null && fname.qualifier() != null && !qualifier.equals(fname.qualifier())) {
      throw LambdaException.invalidParameter(
          "The derived qualifier from the function name does not match the specified qualifier.");
    }
    String q = qualifier != null ? qualifier : fname.qualifier();
    String type = req.getHeader("X-Amz-Invocation-Type");
    type = type == null ? "RequestResponse" : type;
    if (!type.equals("RequestResponse") && !type.equals("Event") && !type.equals("DryRun")) {
      throw LambdaException.invalidParameter(
          "X-Amz-Invocation-Type: '" + type + "' (expected: RequestResponse, Event or DryRun)");
    }
    String logType = req.getHeader("X-Amz-Log-Type");
    if (logType != null && !logType.equals("None") && !logType.equals("Tail")) {
      throw LambdaException.invalidParameter(
          "X-Amz-Log-Type: '" + logType + "' (expected: None or Tail)");
    }
    FunctionVersion fn = registry.resolve(fname.name(), q);
    if (body.length() > 0) {
      try {
        Json.decodeValue(body);
      } catch (DecodeException e) {
        throw new LambdaException(
            400, "InvalidRequestContentException", "Could not parse request body into json");
      }
    }
    String arn = settings.functionArn(fname.name()) + (q == null || q.isEmpty() ? "" : ":" + q);
    String clientContext = decodeClientContext(req.getHeader("X-Amz-Client-Context"));
    String requestId = UUID.randomUUID().toString();
    HttpServerResponse resp = req.response();
    resp.putHeader("x-amzn-RequestId", requestId);
    switch (type) {
      case "DryRun" -> resp.setStatusCode(204).end();
      case "Event" -> {
        if (body.length() > MAX_ASYNC_PAYLOAD) {
          throw new LambdaException(
              413,
              "RequestTooLargeException",
              "Request must be smaller than "
                  + MAX_ASYNC_PAYLOAD
                  + " bytes for the Event"
                  + " invocation type");
        }
        async.enqueue(fn, requestId, body.getBytes(), arn, req.getHeader("X-Amzn-Trace-Id"));
        resp.setStatusCode(202).end();
      }
      default -> {
        Invocation inv =
            Invocation.of(
                requestId,
                body.getBytes(),
                arn,
                traceId(req.getHeader("X-Amzn-Trace-Id")),
                clientContext,
                null);
        scheduler
            .invoke(fn, inv)
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    error(resp, new LambdaException(500, "ServiceException", e.toString()));
                  } else if ("Tail".equals(logType)) {
                    // Lines written just before the response are read from the pipe by another
                    // thread: a few milliseconds let them land in the tail.
                    vertx.setTimer(10, t -> respond(resp, r, true));
                  } else {
                    respond(resp, r, false);
                  }
                });
      }
    }
  }

  private static String traceId(String header) {
    if (header != null && header.contains("Root=")) {
      return header;
    }
    String hex = UUID.randomUUID().toString().replace("-", "");
    return "Root=1-"
        + Long.toHexString(System.currentTimeMillis() / 1000)
        + "-"
        + hex.substring(0, 24)
        + ";Parent="
        + hex.substring(16, 32)
        + ";Sampled=0";
  }

  private static String decodeClientContext(String header) {
    if (header == null || header.isEmpty()) {
      return null;
    }
    if (header.length() > 3583) {
      throw LambdaException.invalidParameter(
          "X-Amz-Client-Context: " + header.length() + " characters (expected: at most 3583)");
    }
    try {
      return new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw LambdaException.invalidParameter("X-Amz-Client-Context: not valid base64");
    }
  }

  private static void respond(HttpServerResponse resp, InvocationResult r, boolean tail) {
    resp.setStatusCode(200)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Amz-Executed-Version", r.executedVersion());
    if (r.failed()) {
      resp.putHeader("X-Amz-Function-Error", "Unhandled");
    }
    if (tail) {
      resp.putHeader("X-Amz-Log-Result", Base64.getEncoder().encodeToString(r.log().tail(4096)));
    }
    if (r.payload().length > MAX_SYNC_PAYLOAD) {
      resp.putHeader("X-Amz-Function-Error", "Unhandled");
      resp.end(
          new JsonObject()
              .put("errorMessage", "Response payload size exceeded maximum allowed payload size")
              .put("errorType", "Function.ResponseSizeTooLarge")
              .encode());
      return;
    }
    resp.end(Buffer.buffer(r.payload().length == 0 ? "null".getBytes() : r.payload()));
  }

  // ---- Management

  private JsonObject create(JsonObject in) {
    FunctionConfig config = config(in, null);
    byte[] zip = zip(in.getJsonObject("Code"));
    BundleStore.Stored stored = bundles.store(zip);
    FunctionVersion v = registry.create(config, stored.sha256(), stored.size(), stored.dir());
    if (in.getJsonObject("DestinationConfig") != null) {
      async.putConfig(
          v, new JsonObject().put("DestinationConfig", in.getJsonObject("DestinationConfig")));
    }
    if (Boolean.TRUE.equals(in.getBoolean("Publish"))) {
      v = registry.publish(config.name(), null);
    }
    LOG.log(
        System.Logger.Level.INFO,
        "function {0} created ({1}, {2} bytes)",
        config.name(),
        config.runtime().id(),
        stored.size());
    return configuration(v);
  }

  private JsonObject updateCode(String name, JsonObject in) {
    byte[] zip = zip(in);
    BundleStore.Stored stored = bundles.store(zip);
    FunctionVersion v = registry.updateCode(name, stored.sha256(), stored.size(), stored.dir());
    scheduler.retire(name);
    if (Boolean.TRUE.equals(in.getBoolean("Publish"))) {
      v = registry.publish(name, null);
    }
    return configuration(v);
  }

  private JsonObject updateConfig(String name, JsonObject in) {
    FunctionConfig config = config(in, registry.latest(name).config());
    FunctionVersion v = registry.updateConfig(name, config);
    scheduler.retire(name);
    return configuration(v);
  }

  private final Map<String, Integer> provisioned = new java.util.concurrent.ConcurrentHashMap<>();

  /** PutProvisionedConcurrencyConfig: a published version or an alias, never $LATEST. */
  private JsonObject provision(String name, String qualifier, JsonObject in) {
    FunctionVersion v = provisionTarget(name, qualifier);
    Integer n = in.getInteger("ProvisionedConcurrentExecutions");
    if (n == null || n < 1 || n > settings.globalConcurrency()) {
      throw LambdaException.invalidParameter(
          "ProvisionedConcurrentExecutions: "
              + n
              + " (expected: 1-"
              + settings.globalConcurrency()
              + ")");
    }
    provisioned.put(v.key(), n);
    scheduler.provision(v, n);
    return provisionStatus(name, qualifier);
  }

  private JsonObject provisionStatus(String name, String qualifier) {
    FunctionVersion v = provisionTarget(name, qualifier);
    Integer requested = provisioned.get(v.key());
    if (requested == null) {
      throw LambdaException.notFound(
          "No Provisioned Concurrency Config found for this function: " + name + ":" + qualifier);
    }
    int ready = scheduler.provisionedReady(v);
    return new JsonObject()
        .put("RequestedProvisionedConcurrentExecutions", requested)
        .put("AvailableProvisionedConcurrentExecutions", ready)
        .put("AllocatedProvisionedConcurrentExecutions", ready)
        .put("Status", ready >= requested ? "READY" : "IN_PROGRESS")
        .put("LastModified", java.time.Instant.now().toString());
  }

  private FunctionVersion provisionTarget(String name, String qualifier) {
    if (qualifier == null || qualifier.isEmpty() || qualifier.equals("$LATEST")) {
      throw LambdaException.invalidParameter(
          "Qualifier: '"
              + qualifier
              + "' (expected: a published version or an alias, not $LATEST)");
    }
    if (!qualifier.chars().allMatch(Character::isDigit)) {
      Alias a = registry.alias(name, qualifier);
      if (a.additionalVersion() != null) {
        throw LambdaException.invalidParameter(
            "Qualifier: alias '"
                + qualifier
                + "' routes to two versions; provision a version instead");
      }
      return registry.resolve(name, a.functionVersion());
    }
    return registry.resolve(name, qualifier);
  }

  private JsonObject putConcurrency(String name, JsonObject in) {
    Integer n = in.getInteger("ReservedConcurrentExecutions");
    if (n == null || n < 0 || n > settings.globalConcurrency()) {
      throw LambdaException.invalidParameter(
          "ReservedConcurrentExecutions: "
              + n
              + " (expected: 0-"
              + settings.globalConcurrency()
              + ")");
    }
    registry.updateConfig(name, registry.latest(name).config().withReservedConcurrency(n));
    return new JsonObject().put("ReservedConcurrentExecutions", n);
  }

  private JsonObject putAlias(String name, String aliasName, JsonObject in, boolean create) {
    String aName = aliasName != null ? aliasName : in.getString("Name");
    String version = in.getString("FunctionVersion");
    if (version == null && !create) {
      version = registry.alias(name, aName).functionVersion();
    }
    String extra = null;
    double weight = 0;
    JsonObject routing = in.getJsonObject("RoutingConfig");
    if (routing != null && routing.getJsonObject("AdditionalVersionWeights") != null) {
      JsonObject weights = routing.getJsonObject("AdditionalVersionWeights");
      if (weights.size() > 1) {
        throw LambdaException.invalidParameter(
            "RoutingConfig.AdditionalVersionWeights: " + weights.size() + " entries (expected: 1)");
      }
      for (String k : weights.fieldNames()) {
        extra = k;
        weight = weights.getDouble(k);
      }
    }
    Alias a =
        registry.putAlias(
            name, new Alias(aName, version, extra, weight, in.getString("Description")), create);
    return alias(name, a);
  }

  private JsonObject alias(String name, Alias a) {
    JsonObject out =
        new JsonObject()
            .put("AliasArn", settings.functionArn(name) + ":" + a.name())
            .put("Name", a.name())
            .put("FunctionVersion", a.functionVersion())
            .put("Description", a.description() == null ? "" : a.description())
            .put("RevisionId", UUID.nameUUIDFromBytes(a.toString().getBytes()).toString());
    if (a.additionalVersion() != null) {
      out.put(
          "RoutingConfig",
          new JsonObject()
              .put(
                  "AdditionalVersionWeights",
                  new JsonObject().put(a.additionalVersion(), a.additionalWeight())));
    }
    return out;
  }

  private static byte[] zip(JsonObject code) {
    if (code == null || code.getString("ZipFile") == null) {
      throw LambdaException.invalidParameter(
          "Code.ZipFile: missing (expected: the bundle as base64; S3 locations are not supported)");
    }
    try {
      return Base64.getDecoder().decode(code.getString("ZipFile"));
    } catch (IllegalArgumentException e) {
      throw LambdaException.invalidParameter("Code.ZipFile: not valid base64");
    }
  }

  /** A configuration from CreateFunction / UpdateFunctionConfiguration JSON over {@code base}. */
  static FunctionConfig config(JsonObject in, FunctionConfig base) {
    Map<String, String> env = base == null ? Map.of() : base.environment();
    JsonObject envJson = in.getJsonObject("Environment");
    if (envJson != null && envJson.getJsonObject("Variables") != null) {
      Map<String, String> m = new HashMap<>();
      envJson
          .getJsonObject("Variables")
          .forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
      env = m;
    }
    JsonObject eph = in.getJsonObject("EphemeralStorage");
    try {
      return new FunctionConfig(
          base != null ? base.name() : in.getString("FunctionName"),
          in.getString("Runtime") != null
              ? Runtime.parse(in.getString("Runtime"))
              : base != null ? base.runtime() : Runtime.parse(null),
          in.getString("Handler", base != null ? base.handler() : null),
          in.getInteger(
              "MemorySize", base != null ? base.memoryMb() : FunctionConfig.DEFAULT_MEMORY_MB),
          in.getInteger(
              "Timeout",
              base != null ? base.timeoutSeconds() : FunctionConfig.DEFAULT_TIMEOUT_SECONDS),
          env,
          base != null ? base.reservedConcurrency() : null,
          eph != null
              ? eph.getInteger("Size", FunctionConfig.DEFAULT_EPHEMERAL_MB)
              : base != null ? base.ephemeralStorageMb() : FunctionConfig.DEFAULT_EPHEMERAL_MB,
          in.getString("Description", base != null ? base.description() : null));
    } catch (ClassCastException e) {
      throw LambdaException.invalidParameter("a field has the wrong JSON type: " + e.getMessage());
    }
  }

  private JsonObject getFunction(String name) {
    FunctionVersion v = registry.latest(name);
    JsonObject out =
        new JsonObject()
            .put("Configuration", configuration(v))
            .put(
                "Code",
                new JsonObject()
                    .put("RepositoryType", "Strata")
                    .put("Location", "file://" + v.codeDir()));
    if (v.config().reservedConcurrency() != null) {
      out.put(
          "Concurrency",
          new JsonObject().put("ReservedConcurrentExecutions", v.config().reservedConcurrency()));
    }
    return out;
  }

  private void list(HttpServerResponse resp) {
    var arr = new io.vertx.core.json.JsonArray();
    registry.list().forEach(v -> arr.add(configuration(v)));
    ok(resp, 200, new JsonObject().put("Functions", arr));
  }

  private JsonObject configuration(FunctionVersion v) {
    FunctionConfig c = v.config();
    byte[] sha = java.util.HexFormat.of().parseHex(v.codeSha256());
    return new JsonObject()
        .put("FunctionName", c.name())
        .put(
            "FunctionArn",
            settings.functionArn(c.name())
                + (v.version().equals("$LATEST") ? "" : ":" + v.version()))
        .put("Runtime", c.runtime().id())
        .put("Role", "arn:aws:iam::" + settings.accountId() + ":role/strata-function")
        .put("Handler", c.handler())
        .put("CodeSize", v.codeSize())
        .put("CodeSha256", Base64.getEncoder().encodeToString(sha))
        .put("Description", c.description() == null ? "" : c.description())
        .put("Timeout", c.timeoutSeconds())
        .put("MemorySize", c.memoryMb())
        .put("Version", v.version())
        .put("LastModified", v.lastModified())
        .put("RevisionId", v.revisionId())
        .put("State", "Active")
        .put("LastUpdateStatus", "Successful")
        .put("PackageType", "Zip")
        .put("EphemeralStorage", new JsonObject().put("Size", c.ephemeralStorageMb()))
        .put(
            "Environment",
            new JsonObject().put("Variables", new JsonObject(new HashMap<>(c.environment()))));
  }

  private static JsonObject json(Buffer body) {
    if (body.length() == 0) {
      return new JsonObject();
    }
    try {
      return body.toJsonObject();
    } catch (RuntimeException e) {
      throw new LambdaException(
          400, "InvalidRequestContentException", "Could not parse request body into json");
    }
  }

  private void blocking(
      HttpServerRequest req, java.util.concurrent.Callable<JsonObject> work, int status) {
    Future<JsonObject> f = vertx.executeBlocking(work, false);
    f.onComplete(
        ar -> {
          if (ar.succeeded()) {
            ok(req.response(), status, ar.result());
          } else if (ar.cause() instanceof LambdaException le) {
            error(req.response(), le);
          } else {
            LOG.log(System.Logger.Level.ERROR, "function API failure", ar.cause());
            error(req.response(), new LambdaException(500, "ServiceException", "internal error"));
          }
        });
  }

  private static void ok(HttpServerResponse resp, int status, JsonObject body) {
    resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  static void error(HttpServerResponse resp, LambdaException e) {
    if (resp.ended() || resp.headWritten()) {
      return;
    }
    if (e.status() >= 500) {
      LOG.log(System.Logger.Level.WARNING, "{0}: {1}", e.type(), e.getMessage());
    } else {
      LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", e.type(), e.getMessage());
    }
    JsonObject body = new JsonObject().put("Type", e.status() >= 500 ? "Service" : "User");
    if (e instanceof Throttled t) {
      body.put("message", e.getMessage()).put("Reason", t.reason());
      resp.putHeader("Retry-After", "1");
    } else {
      body.put("message", e.getMessage()).put("Message", e.getMessage());
    }
    resp.setStatusCode(e.status())
        .putHeader("x-amzn-ErrorType", e.type())
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
