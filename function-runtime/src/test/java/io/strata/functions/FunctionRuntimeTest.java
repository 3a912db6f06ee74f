package io.strata.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.testing.Sync;
import io.strata.core.time.ManualClock;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real functions in real child processes (Python, Node, a custom {@code provided} bootstrap) behind
 * the Invoke API on a loopback port. One runtime serves every test, so warm environments are shared
 * where a test does not need its own function.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionRuntimeTest {
  static final String PY =
      String.join(
          "\n",
          "import os, time, json",
          "print('module loaded')",
          "def handler(event, context):",
          "    print('hello from python', event.get('name'))",
          "    return {'hello': event.get('name'), 'fn': context.function_name,",
          "            'mem': context.memory_limit_in_mb, 'remaining':"
              + " context.get_remaining_time_in_millis(),",
          "            'version': os.environ['AWS_LAMBDA_FUNCTION_VERSION'], 'region':"
              + " os.environ['AWS_REGION'],",
          "            'tz': os.environ['TZ'], 'greeting': os.environ.get('GREETING'), 'pid':"
              + " os.getpid(),",
          "            'cwd': os.getcwd(), 'root': os.environ['LAMBDA_TASK_ROOT'],",
          "            'arn': context.invoked_function_arn, 'requestId': context.aws_request_id}",
          "def fail(event, context):",
          "    raise ValueError('bad input: ' + json.dumps(event))",
          "def sleep(event, context):",
          "    time.sleep(event.get('seconds', 0))",
          "    return {'pid': os.getpid(), 'version': os.environ['AWS_LAMBDA_FUNCTION_VERSION']}",
          "def hog(event, context):",
          "    chunks = [bytearray(1024 * 1024) for _ in range(event['mb'])]",
          "    return len(chunks)",
          "def echo(event, context):",
          "    return event",
          "def record(event, context):",
          "    with open(os.environ['OUT'], 'a') as f:",
          "        f.write(json.dumps(event) + '\\n')",
          "    return 'recorded'",
          "");
  static final String NODE =
      String.join(
          "\n",
          "exports.handler = async (event, context) => {",
          "  console.log('hello from node', event.name);",
          "  return { hello: event.name, fn: context.functionName, pid: process.pid,",
          "    remaining: context.getRemainingTimeInMillis(), requestId: context.awsRequestId };",
          "};",
          "exports.callback = (event, context, cb) => { cb(null, { callback: true, n: event.n });"
              + " };",
          "exports.fail = async () => { throw new TypeError('node boom'); };",
          "exports.hog = async (event) => {",
          "  const keep = [];",
          "  for (let i = 0; i < event.mb / 8; i++) keep.push(new Array(1024 * 1024).fill(i));",
          "  return keep.length;",
          "};",
          "");
  static final String BOOTSTRAP =
      String.join(
          "\n",
          "#!/usr/bin/env python3",
          "# A custom runtime: the bundle's own bootstrap speaks the Runtime API.",
          "import os, json, urllib.request",
          "api = 'http://' + os.environ['AWS_LAMBDA_RUNTIME_API'] +"
              + " '/2018-06-01/runtime/invocation/'",
          "while True:",
          "    with urllib.request.urlopen(api + 'next') as r:",
          "        h = {k.lower(): v for k, v in r.headers.items()}",
          "        event = json.loads(r.read() or b'null')",
          "    rid = h['lambda-runtime-aws-request-id']",
          "    out = {'echo': event, 'handler': os.environ['_HANDLER'], 'headers': h,",
          "           'execEnv': os.environ.get('AWS_EXECUTION_ENV')}",
          "    req = urllib.request.Request(api + rid + '/response', data=json.dumps(out).encode(),"
              + " method='POST')",
          "    urllib.request.urlopen(req).read()",
          "");

  @TempDir static Path data;
  Vertx vertx;
  FunctionRuntime runtime;
  Api api;
  final ManualClock clock = new ManualClock(System.currentTimeMillis());
  final ExecutorService pool = Executors.newCachedThreadPool();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    RuntimeSettings settings =
        new RuntimeSettings(
            data, 1000, Duration.ofMinutes(5), Duration.ofSeconds(10), "us-east-1", "123456789012");
    runtime =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                settings,
                Auth.open(),
                meters,
                clock,
                List.of(Duration.ofMillis(50), Duration.ofMillis(100))));
    api = new Api(runtime.port());
    api.createOk(
        fn("py", "python3", "app.handler").put("Environment", env("GREETING", "hi")), py());
    api.createOk(fn("node", "nodejs20.x", "index.handler"), node());
    api.createOk(fn("custom", "provided.al2023", "my.handler"), Zips.of("bootstrap", BOOTSTRAP));
  }

  @AfterAll
  void stop() {
    runtime.close();
    Sync.await(vertx.close());
    pool.shutdownNow();
  }

  static byte[] py() {
    return Zips.of("app.py", PY);
  }

  static byte[] node() {
    return Zips.of("index.js", NODE);
  }

  static JsonObject fn(String name, String runtime, String handler) {
    return new JsonObject()
        .put("FunctionName", name)
        .put("Runtime", runtime)
        .put("Handler", handler)
        .put("Role", "arn:aws:iam::123456789012:role/ignored");
  }

  static JsonObject env(String k, String v) {
    return new JsonObject().put("Variables", new JsonObject().put(k, v));
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static final Pattern REPORT =
      Pattern.compile(
          "REPORT RequestId: (\\S+)\tDuration: [\\d.]+ ms\tBilled Duration: (\\d+) ms\tMemory Size:"
              + " (\\d+) MB\tMax Memory Used: (\\d+) MB\t(Init Duration: [\\d.]+ ms\t)?");

  @Test
  void pythonHandlerRunsUnchangedWithLambdaContextAndEnvironment() {
    HttpResponse<String> r = api.invoke("py", "{\"name\":\"ada\"}");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject out = json(r);
    assertEquals("ada", out.getString("hello"));
    assertEquals("py", out.getString("fn"));
    assertEquals("128", out.getString("mem"));
    assertEquals("$LATEST", out.getString("version"));
    assertEquals("us-east-1", out.getString("region"));
    assertEquals(":UTC", out.getString("tz"));
    assertEquals("hi", out.getString("greeting"));
    assertEquals(out.getString("root"), out.getString("cwd"));
    assertEquals("arn:aws:lambda:us-east-1:123456789012:function:py", out.getString("arn"));
    assertEquals(
        r.headers().firstValue("x-amzn-RequestId").orElseThrow(), out.getString("requestId"));
    long remaining = out.getLong("remaining");
    assertTrue(remaining > 2000 && remaining <= 3000, "remaining " + remaining);
    assertEquals("$LATEST", r.headers().firstValue("X-Amz-Executed-Version").orElseThrow());
    assertTrue(r.headers().firstValue("X-Amz-Function-Error").isEmpty());
  }

  @Test
  void warmEnvironmentIsReusedAndOnlyTheColdStartReportsInitDuration() {
    api.createOk(fn("py-warm", "python3.12", "app.handler"), py());
    Map<String, String> tail = Map.of("X-Amz-Log-Type", "Tail");
    HttpResponse<String> first = api.invoke("py-warm", "{\"name\":\"a\"}", tail);
    HttpResponse<String> second = api.invoke("py-warm", "{\"name\":\"b\"}", tail);
    assertEquals(json(first).getLong("pid"), json(second).getLong("pid"));
    String coldLog = Api.logs(first);
    assertTrue(coldLog.contains("module loaded"), coldLog);
    assertTrue(coldLog.contains("hello from python a"), coldLog);
    Matcher cold = REPORT.matcher(coldLog);
    assertTrue(cold.find(), coldLog);
    assertEquals(first.headers().firstValue("x-amzn-RequestId").orElseThrow(), cold.group(1));
    assertEquals("128", cold.group(3));
    int maxUsed = Integer.parseInt(cold.group(4));
    assertTrue(maxUsed > 3 && maxUsed <= 128, "max memory used " + maxUsed);
    assertTrue(cold.group(5) != null, "cold start reports Init Duration: " + coldLog);
    String warmLog = Api.logs(second);
    assertTrue(warmLog.contains("hello from python b"), warmLog);
    assertFalse(warmLog.contains("module loaded"), warmLog);
    Matcher warm = REPORT.matcher(warmLog);
    assertTrue(warm.find(), warmLog);
    assertEquals(null, warm.group(5), "warm start has no Init Duration: " + warmLog);
    assertTrue(warmLog.startsWith("START RequestId: "), warmLog);
  }

  @Test
  void nodeHandlersRunUnchangedAsyncAndCallbackStyle() {
    HttpResponse<String> r =
        api.invoke("node", "{\"name\":\"grace\"}", Map.of("X-Amz-Log-Type", "Tail"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject out = json(r);
    assertEquals("grace", out.getString("hello"));
    assertEquals("node", out.getString("fn"));
    assertTrue(out.getLong("remaining") > 2000);
    assertTrue(Api.logs(r).contains("hello from node grace"), Api.logs(r));
    api.createOk(fn("node-cb", "nodejs20", "index.callback"), node());
    JsonObject cb = json(api.invoke("node-cb", "{\"n\":7}"));
    assertEquals(true, cb.getBoolean("callback"));
    assertEquals(7, cb.getInteger("n"));
  }

  @Test
  void providedBootstrapReceivesTheRuntimeApiHeaders() {
    String context = Base64.getEncoder().encodeToString("{\"custom\":{\"k\":\"v\"}}".getBytes());
    HttpResponse<String> r =
        api.invoke(
            "custom",
            "[1,2,3]",
            Map.of(
                "X-Amz-Client-Context",
                context,
                "X-Amzn-Trace-Id",
                "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject out = json(r);
    assertEquals("[1,2,3]", out.getJsonArray("echo").encode());
    assertEquals("my.handler", out.getString("handler"));
    assertEquals(null, out.getString("execEnv"), "provided runtimes get no AWS_EXECUTION_ENV");
    JsonObject h = out.getJsonObject("headers");
    assertEquals(
        r.headers().firstValue("x-amzn-RequestId").orElseThrow(),
        h.getString("lambda-runtime-aws-request-id"));
    assertEquals(
        "arn:aws:lambda:us-east-1:123456789012:function:custom",
        h.getString("lambda-runtime-invoked-function-arn"));
    long deadline = Long.parseLong(h.getString("lambda-runtime-deadline-ms"));
    long now = System.currentTimeMillis();
    assertTrue(deadline > now + 1000 && deadline <= now + 3000, "deadline " + (deadline - now));
    assertEquals("{\"custom\":{\"k\":\"v\"}}", h.getString("lambda-runtime-client-context"));
    assertTrue(h.getString("lambda-runtime-trace-id").startsWith("Root=1-5bef4de7"), h.encode());
  }

  @Test
  void functionErrorsAreReportedWithFunctionErrorHeaderAndLambdaErrorShape() {
    api.createOk(fn("py-fail", "python3", "app.fail"), py());
    HttpResponse<String> r = api.invoke("py-fail", "{\"x\":1}");
    assertEquals(200, r.statusCode());
    assertEquals("Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElseThrow());
    JsonObject err = json(r);
    assertEquals("ValueError", err.getString("errorType"));
    assertEquals("bad input: {\"x\": 1}", err.getString("errorMessage"));
    assertTrue(err.getJsonArray("stackTrace").size() > 0);

    api.createOk(fn("node-fail", "nodejs20.x", "index.fail"), node());
    HttpResponse<String> n = api.invoke("node-fail", "{}");
    assertEquals("Unhandled", n.headers().firstValue("X-Amz-Function-Error").orElseThrow());
    assertEquals("TypeError", json(n).getString("errorType"));
    assertEquals("node boom", json(n).getString("errorMessage"));
  }

  @Test
  void aMissingHandlerModuleFailsInitWithImportModuleError() {
    api.createOk(fn("py-missing", "python3", "nope.handler"), py());
    HttpResponse<String> r = api.invoke("py-missing", "{}");
    assertEquals(200, r.statusCode());
    assertEquals("Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElseThrow());
    assertEquals("Runtime.ImportModuleError", json(r).getString("errorType"));
  }

  @Test
  void timeoutKillsTheEnvironmentAndReportsTaskTimedOut() throws Exception {
    api.createOk(fn("py-slow", "python3", "app.sleep").put("Timeout", 1), py());
    long pid = json(api.invoke("py-slow", "{\"seconds\":0}")).getLong("pid");
    HttpResponse<String> r =
        api.invoke("py-slow", "{\"seconds\":30}", Map.of("X-Amz-Log-Type", "Tail"));
    assertEquals(200, r.statusCode());
    assertEquals("Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElseThrow());
    JsonObject err = json(r);
    assertEquals("Sandbox.Timedout", err.getString("errorType"));
    assertTrue(
        err.getString("errorMessage")
            .matches("RequestId: \\S+ Error: Task timed out after 1\\.\\d\\d seconds"),
        err.getString("errorMessage"));
    assertTrue(Api.logs(r).contains("Task timed out after 1."), Api.logs(r));
    waitUntil(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    long after = json(api.invoke("py-slow", "{\"seconds\":0}")).getLong("pid");
    assertNotEquals(pid, after, "a new environment after the timeout");
  }

  @Test
  void memoryLimitStopsAHandlerThatAllocatesBeyondItsMemorySize() {
    api.createOk(fn("py-hog", "python3", "app.hog").put("MemorySize", 128), py());
    HttpResponse<String> ok = api.invoke("py-hog", "{\"mb\":16}", Map.of("X-Amz-Log-Type", "Tail"));
    assertEquals("16", ok.body());
    Matcher m = REPORT.matcher(Api.logs(ok));
    assertTrue(m.find());
    assertTrue(
        Integer.parseInt(m.group(4)) >= 16, "Max Memory Used counts the 16 MB: " + m.group(4));
    HttpResponse<String> r = api.invoke("py-hog", "{\"mb\":400}");
    assertEquals(
        "Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElseThrow(), r.body());
    assertEquals("MemoryError", json(r).getString("errorType"));
  }

  @Test
  void nodeHeapBeyondItsMemorySizeEndsTheEnvironment() {
    api.createOk(fn("node-hog", "nodejs20.x", "index.hog").put("MemorySize", 128), node());
    assertEquals("2", api.invoke("node-hog", "{\"mb\":16}").body());
    HttpResponse<String> r = api.invoke("node-hog", "{\"mb\":600}");
    assertEquals(
        "Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElseThrow(), r.body());
    assertEquals("Runtime.ExitError", json(r).getString("errorType"), r.body());
    assertEquals(200, api.invoke("node-hog", "{\"mb\":8}").statusCode(), "a fresh environment");
  }

  @Test
  void reservedConcurrencyThrottlesWith429AndReason() throws Exception {
    api.createOk(fn("py-one", "python3", "app.sleep"), py());
    HttpResponse<String> put =
        api.send(
            "PUT",
            "/2017-10-31/functions/py-one/concurrency",
            "{\"ReservedConcurrentExecutions\":1}",
            Map.of());
    assertEquals(200, put.statusCode(), put.body());
    Future<HttpResponse<String>> slow =
        pool.submit(() -> api.invoke("py-one", "{\"seconds\":1.5}"));
    waitUntil(() -> runtime.scheduler().busy("py-one") == 1);
    HttpResponse<String> throttled = api.invoke("py-one", "{\"seconds\":0}");
    assertEquals(429, throttled.statusCode());
    assertEquals(
        "TooManyRequestsException",
        throttled.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    assertEquals(
        "ReservedFunctionConcurrentInvocationLimitExceeded", json(throttled).getString("Reason"));
    assertEquals(200, slow.get().statusCode());
    assertEquals(200, api.invoke("py-one", "{\"seconds\":0}").statusCode());
    HttpResponse<String> zero =
        api.send(
            "PUT",
            "/2017-10-31/functions/py-one/concurrency",
            "{\"ReservedConcurrentExecutions\":0}",
            Map.of());
    assertEquals(200, zero.statusCode());
    assertEquals(429, api.invoke("py-one", "{}").statusCode());
  }

  @Test
  void parallelInvocationsScaleOutAndIdleEnvironmentsScaleToZero() throws Exception {
    api.createOk(fn("py-par", "python3", "app.sleep"), py());
    List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(() -> api.invoke("py-par", "{\"seconds\":1}", Map.of("X-Amz-Log-Type", "Tail")));
    }
    Set<Long> pids = new HashSet<>();
    long started = System.nanoTime();
    for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
      assertEquals(200, f.get().statusCode(), f.get().body());
      pids.add(json(f.get()).getLong("pid"));
    }
    assertEquals(4, pids.size(), "four environments ran in parallel: " + pids);
    assertTrue((System.nanoTime() - started) / 1e9 < 3.5, "ran in parallel, not one after another");
    assertEquals(4, runtime.scheduler().environments("py-par"));

    clock.advance(Duration.ofMinutes(4));
    runtime.scheduler().reapIdle();
    assertEquals(4, runtime.scheduler().environments("py-par"), "not idle long enough yet");
    clock.advance(Duration.ofMinutes(2));
    runtime.scheduler().reapIdle();
    assertEquals(0, runtime.scheduler().environments("py-par"), "scaled to zero");
    for (long pid : pids) {
      waitUntil(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
    HttpResponse<String> again =
        api.invoke("py-par", "{\"seconds\":0}", Map.of("X-Amz-Log-Type", "Tail"));
    assertTrue(Api.logs(again).contains("Init Duration"), "cold again after scale to zero");
  }

  @Test
  void publishedVersionsAreImmutableAndWeightedAliasesRoute() {
    api.createOk(fn("py-ver", "python3", "app.sleep"), py());
    HttpResponse<String> v1 =
        api.send("POST", "/2015-03-31/functions/py-ver/versions", "{}", Map.of());
    assertEquals(201, v1.statusCode(), v1.body());
    assertEquals("1", json(v1).getString("Version"));
    String changed =
        PY.replace("'version': os.environ['AWS_LAMBDA_FUNCTION_VERSION']", "'version': 'changed'");
    HttpResponse<String> upd =
        api.send(
            "PUT",
            "/2015-03-31/functions/py-ver/code",
            new JsonObject()
                .put("ZipFile", Base64.getEncoder().encodeToString(Zips.of("app.py", changed)))
                .put("Publish", true)
                .encode(),
            Map.of());
    assertEquals(200, upd.statusCode(), upd.body());
    assertEquals("2", json(upd).getString("Version"));
    HttpResponse<String> q1 = api.invoke("py-ver:1", "{}");
    assertEquals("1", json(q1).getString("version"));
    assertEquals("1", q1.headers().firstValue("X-Amz-Executed-Version").orElseThrow());
    assertEquals("changed", json(api.invoke("py-ver", "{}")).getString("version"));
    HttpResponse<String> alias =
        api.send(
            "POST",
            "/2015-03-31/functions/py-ver/aliases",
            "{\"Name\":\"live\",\"FunctionVersion\":\"1\",\"RoutingConfig\":{\"AdditionalVersionWeights\":{\"2\":1.0}}}",
            Map.of());
    assertEquals(201, alias.statusCode(), alias.body());
    HttpResponse<String> viaAlias =
        api.send("POST", "/2015-03-31/functions/py-ver/invocations?Qualifier=live", "{}", Map.of());
    assertEquals("2", viaAlias.headers().firstValue("X-Amz-Executed-Version").orElseThrow());
    HttpResponse<String> back =
        api.send(
            "PUT",
            "/2015-03-31/functions/py-ver/aliases/live",
            "{\"FunctionVersion\":\"1\",\"RoutingConfig\":{\"AdditionalVersionWeights\":{}}}",
            Map.of());
    assertEquals(200, back.statusCode(), back.body());
    assertEquals(
        "1",
        api.invoke("py-ver:live", "{}")
            .headers()
            .firstValue("X-Amz-Executed-Version")
            .orElseThrow());
    assertEquals(404, api.invoke("py-ver:9", "{}").statusCode());
  }

  @Test
  void eventInvocationsRetryTwiceThenGoToTheOnFailureDestination() throws Exception {
    Path out = data.resolve("destination.jsonl");
    api.createOk(
        fn("py-dest", "python3", "app.record").put("Environment", env("OUT", out.toString())),
        py());
    api.createOk(
        fn("py-async-fail", "python3", "app.fail")
            .put(
                "DestinationConfig",
                new JsonObject()
                    .put(
                        "OnFailure",
                        new JsonObject()
                            .put(
                                "Destination",
                                "arn:aws:lambda:us-east-1:123456789012:function:py-dest"))),
        py());
    HttpResponse<String> r =
        api.invoke("py-async-fail", "{\"order\":42}", Map.of("X-Amz-Invocation-Type", "Event"));
    assertEquals(202, r.statusCode());
    assertEquals("", r.body());
    waitUntil(() -> Files.exists(out) && Files.size(out) > 0);
    JsonObject record = new JsonObject(Files.readAllLines(out).get(0));
    assertEquals("RetriesExhausted", record.getJsonObject("requestContext").getString("condition"));
    assertEquals(3, record.getJsonObject("requestContext").getInteger("approximateInvokeCount"));
    assertEquals(
        r.headers().firstValue("x-amzn-RequestId").orElseThrow(),
        record.getJsonObject("requestContext").getString("requestId"));
    assertEquals(42, record.getJsonObject("requestPayload").getInteger("order"));
    assertEquals("Unhandled", record.getJsonObject("responseContext").getString("functionError"));
    assertEquals("ValueError", record.getJsonObject("responsePayload").getString("errorType"));
  }

  @Test
  void dryRunValidatesWithoutRunning() {
    HttpResponse<String> r = api.invoke("py", "{}", Map.of("X-Amz-Invocation-Type", "DryRun"));
    assertEquals(204, r.statusCode());
    HttpResponse<String> bad = api.invoke("py", "{}", Map.of("X-Amz-Invocation-Type", "Later"));
    assertEquals(400, bad.statusCode());
    assertEquals(
        "InvalidParameterValueException",
        bad.headers().firstValue("x-amzn-ErrorType").orElseThrow());
  }

  @Test
  void requestErrorsUseLambdaErrorWireFormat() {
    HttpResponse<String> missing = api.invoke("nope", "{}");
    assertEquals(404, missing.statusCode());
    assertEquals(
        "ResourceNotFoundException",
        missing.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    assertEquals("Function not found: nope", json(missing).getString("Message"));
    HttpResponse<String> notJson = api.invoke("py", "{not json");
    assertEquals(400, notJson.statusCode());
    assertEquals(
        "InvalidRequestContentException",
        notJson.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    String big = "\"" + "x".repeat(6 * 1024 * 1024) + "\"";
    HttpResponse<String> tooBig = api.invoke("py", big);
    assertEquals(413, tooBig.statusCode());
    assertEquals(
        "RequestTooLargeException", tooBig.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    String asyncBig = "\"" + "x".repeat(1024 * 1024 + 10) + "\"";
    HttpResponse<String> asyncTooBig =
        api.invoke("py", asyncBig, Map.of("X-Amz-Invocation-Type", "Event"));
    assertEquals(413, asyncTooBig.statusCode());
  }

  @Test
  void createFunctionValidatesLimitsWithClearErrors() {
    HttpResponse<String> mem =
        api.create(fn("bad-mem", "python3", "app.handler").put("MemorySize", 64), py());
    assertEquals(400, mem.statusCode());
    assertEquals("MemorySize: 64 (expected: 128-10240 MB)", json(mem).getString("Message"));
    HttpResponse<String> timeout =
        api.create(fn("bad-to", "python3", "app.handler").put("Timeout", 901), py());
    assertEquals("Timeout: 901 (expected: 1-900 seconds)", json(timeout).getString("Message"));
    HttpResponse<String> env =
        api.create(
            fn("bad-env", "python3", "app.handler")
                .put("Environment", env("BIG", "x".repeat(4100))),
            py());
    assertEquals(400, env.statusCode());
    assertTrue(json(env).getString("Message").contains("at most 4096 bytes"), env.body());
    HttpResponse<String> rt = api.create(fn("bad-rt", "ruby3.3", "app.handler"), py());
    assertEquals(
        "Runtime: 'ruby3.3' (expected: java17, nodejs20, python3 or provided)",
        json(rt).getString("Message"));
    HttpResponse<String> dup = api.create(fn("py", "python3", "app.handler"), py());
    assertEquals(409, dup.statusCode());
    assertEquals(
        "ResourceConflictException", dup.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    Map<String, Object> slip = new LinkedHashMap<>();
    slip.put("../../evil.py", "x = 1");
    HttpResponse<String> zipSlip =
        api.create(fn("bad-zip", "python3", "app.handler"), Zips.of(slip));
    assertEquals(400, zipSlip.statusCode());
    assertTrue(
        json(zipSlip).getString("Message").contains("escapes the bundle directory"),
        zipSlip.body());
  }

  @Test
  void identicalBundlesAreStoredOnceByContent() {
    HttpResponse<String> a = api.send("GET", "/2015-03-31/functions/py", null, Map.of());
    HttpResponse<String> b = api.send("GET", "/2015-03-31/functions/py-warm", null, Map.of());
    if (b.statusCode() == 404) {
      api.createOk(fn("py-warm", "python3.12", "app.handler"), py());
      b = api.send("GET", "/2015-03-31/functions/py-warm", null, Map.of());
    }
    String sha = json(a).getJsonObject("Configuration").getString("CodeSha256");
    assertEquals(sha, json(b).getJsonObject("Configuration").getString("CodeSha256"));
    String hex = java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(sha));
    assertTrue(Files.isRegularFile(data.resolve("bundles").resolve(hex + ".zip")));
    assertTrue(Files.isRegularFile(data.resolve("code").resolve(hex).resolve("app.py")));
  }

  @Test
  void schedulesInvokeTheFunctionAndSingleRunSkipsWhileThePreviousRunIsGoing() throws Exception {
    Path out = data.resolve("scheduled.jsonl");
    api.createOk(
        fn("py-cron", "python3", "app.record").put("Environment", env("OUT", out.toString())),
        py());
    HttpResponse<String> put =
        api.send(
            "PUT",
            "/strata/functions/py-cron/schedules/every5",
            "{\"ScheduleExpression\":\"rate(5 minutes)\"}",
            Map.of());
    assertEquals(200, put.statusCode(), put.body());
    clock.advance(Duration.ofMinutes(4));
    runtime.schedules().tick();
    assertFalse(Files.exists(out), "not due yet");
    clock.advance(Duration.ofMinutes(1));
    runtime.schedules().tick();
    waitUntil(() -> Files.exists(out) && Files.size(out) > 0);
    JsonObject event = new JsonObject(Files.readAllLines(out).get(0));
    assertEquals("Scheduled Event", event.getString("detail-type"));
    assertEquals("aws.events", event.getString("source"));
    assertEquals(
        "arn:aws:events:us-east-1:123456789012:rule/every5",
        event.getJsonArray("resources").getString(0));

    api.createOk(fn("py-long", "python3", "app.sleep"), py());
    HttpResponse<String> single =
        api.send(
            "PUT",
            "/strata/functions/py-long/schedules/single",
            "{\"ScheduleExpression\":\"cron(* * * * ?"
                + " *)\",\"SingleRun\":true,\"Input\":\"{\\\"seconds\\\":2}\"}",
            Map.of());
    assertEquals(200, single.statusCode(), single.body());
    clock.advance(Duration.ofMinutes(1));
    runtime.schedules().tick();
    waitUntil(() -> runtime.scheduler().environments("py-long") == 1);
    clock.advance(Duration.ofMinutes(1));
    runtime.schedules().tick();
    JsonObject listed =
        json(api.send("GET", "/strata/functions/py-long/schedules", null, Map.of()))
            .getJsonArray("Schedules")
            .getJsonObject(0);
    assertEquals(1, listed.getInteger("Runs"));
    assertEquals(1, listed.getInteger("SkippedWhileRunning"));
    assertEquals(
        204,
        api.send("DELETE", "/strata/functions/py-long/schedules/single", null, Map.of())
            .statusCode());
    HttpResponse<String> bad =
        api.send(
            "PUT",
            "/strata/functions/py-long/schedules/bad",
            "{\"ScheduleExpression\":\"rate(1 minutes)\"}",
            Map.of());
    assertEquals(400, bad.statusCode());
  }

  @Test
  void provisionedEnvironmentsArePreWarmedAndNeverReaped() throws Exception {
    api.createOk(fn("py-prov", "python3", "app.handler"), py());
    assertEquals(
        201,
        api.send("POST", "/2015-03-31/functions/py-prov/versions", "{}", Map.of()).statusCode());
    HttpResponse<String> latest =
        api.send(
            "PUT",
            "/2019-09-30/functions/py-prov/provisioned-concurrency",
            "{\"ProvisionedConcurrentExecutions\":2}",
            Map.of());
    assertEquals(400, latest.statusCode(), "not on $LATEST");
    HttpResponse<String> put =
        api.send(
            "PUT",
            "/2019-09-30/functions/py-prov/provisioned-concurrency?Qualifier=1",
            "{\"ProvisionedConcurrentExecutions\":2}",
            Map.of());
    assertEquals(202, put.statusCode(), put.body());
    waitUntil(
        () ->
            "READY"
                .equals(
                    json(api.send(
                            "GET",
                            "/2019-09-30/functions/py-prov/provisioned-concurrency?Qualifier=1",
                            null,
                            Map.of()))
                        .getString("Status")));
    assertEquals(2, runtime.scheduler().environments("py-prov"));
    HttpResponse<String> r =
        api.invoke("py-prov:1", "{\"name\":\"p\"}", Map.of("X-Amz-Log-Type", "Tail"));
    assertEquals("p", json(r).getString("hello"));
    assertFalse(
        Api.logs(r).contains("Init Duration"),
        "a provisioned environment is already warm: " + Api.logs(r));
    clock.advance(Duration.ofHours(1));
    runtime.scheduler().reapIdle();
    assertEquals(2, runtime.scheduler().environments("py-prov"), "provisioned environments stay");
  }

  @Test
  void functionUrlsInvokeWithThePayload20EventAndHonourAuthType() {
    api.createOk(fn("py-url", "python3", "app.echo"), py());
    assertEquals(
        404, api.send("GET", "/strata/url/py-url/x", null, Map.of()).statusCode(), "no URL yet");
    HttpResponse<String> cfg =
        api.send("POST", "/2021-10-31/functions/py-url/url", "{\"AuthType\":\"NONE\"}", Map.of());
    assertEquals(201, cfg.statusCode(), cfg.body());
    HttpResponse<String> r =
        api.send(
            "POST",
            "/strata/url/py-url/a/b?x=1&x=2&y=z",
            "{\"k\":1}",
            Map.of("Content-Type", "application/json", "Cookie", "s=1; t=2", "X-Custom", "v"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject event = json(r);
    assertEquals("2.0", event.getString("version"));
    assertEquals("/a/b", event.getString("rawPath"));
    assertEquals("x=1&x=2&y=z", event.getString("rawQueryString"));
    assertEquals("1,2", event.getJsonObject("queryStringParameters").getString("x"));
    assertEquals("v", event.getJsonObject("headers").getString("x-custom"));
    assertEquals("[\"s=1\",\"t=2\"]", event.getJsonArray("cookies").encode());
    assertEquals(
        "POST", event.getJsonObject("requestContext").getJsonObject("http").getString("method"));
    assertEquals("{\"k\":1}", event.getString("body"));
    assertEquals(false, event.getBoolean("isBase64Encoded"));
    api.send("PUT", "/2021-10-31/functions/py-url/url", "{\"AuthType\":\"AWS_IAM\"}", Map.of());
    HttpResponse<String> unsigned = api.send("GET", "/strata/url/py-url/a", null, Map.of());
    assertEquals(403, unsigned.statusCode(), "AWS_IAM URLs need a signature");
  }

  @Test
  void invocationsErrorsThrottlesAndColdStartsAreMetered() {
    api.createOk(fn("py-metered", "python3", "app.fail"), py());
    api.invoke("py-metered", "{}");
    api.invoke("py-metered", "{}");
    api.send(
        "PUT",
        "/2017-10-31/functions/py-metered/concurrency",
        "{\"ReservedConcurrentExecutions\":0}",
        Map.of());
    assertEquals(429, api.invoke("py-metered", "{}").statusCode());
    assertEquals(
        2.0,
        meters.get("strata.function.invocations").tag("function", "py-metered").counter().count());
    assertEquals(
        2.0, meters.get("strata.function.errors").tag("function", "py-metered").counter().count());
    assertEquals(
        1.0,
        meters.get("strata.function.throttles").tag("function", "py-metered").counter().count());
    assertEquals(
        2, meters.get("strata.function.duration").tag("function", "py-metered").timer().count());
    assertEquals(
        1,
        meters.get("strata.function.init.duration").tag("function", "py-metered").timer().count(),
        "one cold start");
    assertTrue(
        meters.get("strata.function.billed").tag("function", "py-metered").counter().count() >= 2);
    assertTrue(meters.get("strata.function.concurrent.executions").gauge().value() >= 0);
  }

  static void waitUntil(Callable<Boolean> condition) throws Exception {
    long end = System.nanoTime() + 20_000_000_000L;
    while (!condition.call()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }
}
