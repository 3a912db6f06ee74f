package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.functions.FunctionEndpoint;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.functions.FunctionRuntime;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.strata.functions.model.FunctionConfig;
import io.strata.functions.model.Runtime;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lambda@Edge origin-request and origin-response functions on behaviors, run for real: Python
 * functions in the function runtime (called with SigV4-signed Invoke requests), edge → regional →
 * origin on loopback.
 */
class LambdaEdgeHooksTest {
  static final String HOOKS =
      String.join(
          "\n",
          "stamps = 0",
          "def rewrite(event, context):",
          "    request = event['Records'][0]['cf']['request']",
          "    request['uri'] = '/v2' + request['uri']",
          "    return request",
          "def add_header(event, context):",
          "    cf = event['Records'][0]['cf']",
          "    request = cf['request']",
          "    request['headers']['x-hook'] = [{'key': 'X-Hook',",
          "        'value': cf['config']['eventType'] + ' ' + cf['config']['distributionId']}]",
          "    return request",
          "def generate(event, context):",
          "    request = event['Records'][0]['cf']['request']",
          "    return {'status': '200', 'statusDescription': 'OK',",
          "            'headers': {'content-type': [{'key': 'Content-Type', 'value':"
              + " 'text/plain'}],",
          "                        'cache-control': [{'key': 'Cache-Control', 'value':"
              + " 'max-age=60'}]},",
          "            'body': 'generated for ' + request['uri']}",
          "def stamp(event, context):",
          "    global stamps",
          "    stamps += 1",
          "    response = event['Records'][0]['cf']['response']",
          "    response['headers']['x-stamp'] = [{'key': 'X-Stamp',",
          "        'value': 'stamp ' + str(stamps) + ' on ' + response['status']}]",
          "    return response",
          "def fail(event, context):",
          "    raise RuntimeError('boom')",
          "def invalid(event, context):",
          "    return {'uri': 'no-leading-slash'}",
          "");

  static final String ACCESS_KEY = "AKIDEDGENODE";
  static final String SECRET = "edge-node-secret";

  @TempDir static Path data;
  static Vertx vertx;
  static FunctionRuntime functions;
  static ScriptedOrigin origin;
  static Tiers tiers;
  static TestClient viewer;

  @BeforeAll
  static void start() throws Exception {
    vertx = StrataVertx.create();
    // Signed calls only: the nodes must sign their Invoke requests with the access key.
    functions =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                RuntimeSettings.defaults(data),
                new Auth(Map.of(ACCESS_KEY, SECRET), false),
                new SimpleMeterRegistry()));
    var bundle = functions.bundles().store(FunctionOriginTest.zip("hooks.py", HOOKS));
    for (String handler :
        new String[] {"rewrite", "add_header", "generate", "stamp", "fail", "invalid"}) {
      functions
          .registry()
          .create(
              new FunctionConfig(
                  handler.replace('_', '-'),
                  Runtime.PYTHON3,
                  "hooks." + handler,
                  128,
                  5,
                  Map.of(),
                  null,
                  512,
                  null),
              bundle.sha256(),
              bundle.size(),
              bundle.dir());
    }
    functions.registry().publish("add-header", null);
    // Reserved concurrency 0: every invocation is throttled.
    functions
        .registry()
        .create(
            new FunctionConfig(
                "throttled", Runtime.PYTHON3, "hooks.rewrite", 128, 5, Map.of(), 0, 512, null),
            bundle.sha256(),
            bundle.size(),
            bundle.dir());
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/spoof/",
                req ->
                    req.response()
                        .setStatusCode(500)
                        .putHeader("X-Strata-Error", "LambdaExecutionError")
                        .end("origin error"))
            .on(
                "/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=300")
                        .end(
                            "path="
                                + req.path()
                                + " x-hook="
                                + req.getHeader("X-Hook")
                                + " host="
                                + req.getHeader("Host")));
    tiers =
        new Tiers(
            vertx,
            config(origin.url()),
            1,
            null,
            new FunctionEndpoint(
                URI.create("http://127.0.0.1:" + functions.port()), ACCESS_KEY, SECRET));
    viewer = new TestClient(vertx, tiers.edge.port());
  }

  static String config(String originUrl) {
    return String.join(
        "\n",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1, localhost]",
        "    origins:",
        "      - id: web",
        "        url: " + originUrl,
        "    defaultBehavior:",
        "      origin: web",
        "    behaviors:",
        "      - pathPattern: /rewrite/*",
        "        origin: web",
        "        lambdaFunctionAssociations:",
        "          - eventType: origin-request",
        "            lambdaFunctionArn: arn:aws:lambda:us-east-1:000000000000:function:rewrite",
        "      - pathPattern: /header/*",
        "        origin: web",
        "        lambdaFunctionAssociations:",
        "          - { eventType: origin-request, lambdaFunctionArn: 'add-header:1' }",
        "      - pathPattern: /generated/*",
        "        origin: web",
        "        lambdaFunctionAssociations:",
        "          - { eventType: origin-request, lambdaFunctionArn: generate, includeBody: true }",
        "      - pathPattern: /stamped/*",
        "        origin: web",
        "        lambdaFunctionAssociations:",
        "          - { eventType: origin-response, lambdaFunctionArn: stamp }",
        "      - pathPattern: /failing/*",
        "        origin: web",
        "        lambdaFunctionAssociations:",
        "          - { eventType: origin-request, lambdaFunctionArn: fail }",
        "      - pathPattern: /throttled/*",
        "        origin: web",
        "        lambdaFunctionAssociations:",
        "          - { eventType: origin-request, lambdaFunctionArn: throttled }",
        "      - pathPattern: /invalid/*",
        "        origin: web",
        "        lambdaFunctionAssociations:",
        "          - { eventType: origin-request, lambdaFunctionArn: invalid }",
        "");
  }

  @AfterAll
  static void stop() {
    viewer.close();
    tiers.close();
    origin.close();
    functions.close();
    Sync.await(vertx.close());
  }

  @Test
  void originRequestFunctionRewritesTheUriTheOriginIsAskedFor() {
    TestClient.Response r = viewer.get("/rewrite/page");
    assertEquals(200, r.status(), r.text());
    assertTrue(r.text().startsWith("path=/v2/rewrite/page "), r.text());
    assertEquals(1, origin.hits("/v2/rewrite/page"));
    assertEquals(0, origin.hits("/rewrite/page"));
    assertEquals("Hit from strata", viewer.get("/rewrite/page").header("X-Cache"));
  }

  @Test
  void originRequestFunctionAddsAHeaderTheOriginSees() {
    TestClient.Response r = viewer.get("/header/page");
    assertEquals(200, r.status(), r.text());
    assertTrue(r.text().contains(" x-hook=origin-request site "), r.text());
    assertTrue(
        r.text().endsWith(" host=127.0.0.1:" + origin.port())
            || r.text().endsWith(" host=127.0.0.1"),
        r.text());
  }

  @Test
  void generatedResponseReplacesTheOriginAndIsCachedPerTheBehavior() {
    TestClient.Response first = viewer.get("/generated/a");
    assertEquals(200, first.status(), first.text());
    assertEquals("generated for /generated/a", first.text());
    assertEquals("Miss from strata", first.header("X-Cache"));
    TestClient.Response second = viewer.get("/generated/a");
    assertEquals("generated for /generated/a", second.text());
    assertEquals("Hit from strata", second.header("X-Cache"));
    assertEquals(0, origin.hits("/generated/a"), "the origin is never asked");
  }

  @Test
  void originResponseFunctionAddsAHeaderThatIsCachedWithTheObject() {
    TestClient.Response first = viewer.get("/stamped/a");
    assertEquals(200, first.status(), first.text());
    assertEquals("stamp 1 on 200", first.header("X-Stamp"));
    assertTrue(first.text().startsWith("path=/stamped/a "), first.text());
    TestClient.Response second = viewer.get("/stamped/a");
    assertEquals("Hit from strata", second.header("X-Cache"));
    assertEquals("stamp 1 on 200", second.header("X-Stamp"), "stored with the object, not rerun");
  }

  @Test
  void failingFunctionGives502LambdaExecutionErrorAndNothingIsStored() {
    TestClient.Response r = viewer.get("/failing/a");
    assertEquals(502, r.status());
    assertEquals("LambdaExecutionError from strata", r.header("X-Cache"));
    assertEquals(0, origin.hits("/failing/a"));
    assertEquals(502, viewer.get("/failing/a").status(), "an error is not cached");
  }

  @Test
  void functionAnsweringAWrongShapeGives502LambdaValidationError() {
    TestClient.Response r = viewer.get("/invalid/a");
    assertEquals(502, r.status());
    assertEquals("LambdaValidationError from strata", r.header("X-Cache"));
    assertEquals(0, origin.hits("/invalid/a"));
  }

  @Test
  void throttledFunctionGives503LambdaLimitExceeded() {
    TestClient.Response r = viewer.get("/throttled/a");
    assertEquals(503, r.status());
    assertEquals("LambdaLimitExceeded from strata", r.header("X-Cache"));
    assertEquals(0, origin.hits("/throttled/a"));
  }

  @Test
  void anOriginCannotClaimAFunctionFailed() {
    TestClient.Response r = viewer.get("/spoof/a");
    assertEquals(500, r.status());
    assertEquals("Error from strata", r.header("X-Cache"));
  }
}
