package io.strata.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.testing.Sync;
import io.strata.core.time.Clock;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.fixtures.HelloHandler;
import io.strata.functions.fixtures.HttpApiHandler;
import io.strata.functions.invoke.Auth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * The AWS SDK for Java 2.x {@code LambdaClient}, unchanged but for {@code endpointOverride}, signs
 * (SigV4) and calls Strata; a Java handler built against aws-lambda-java-core/-events runs under
 * the official runtime interface client 2.10.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaClientCompatibilityTest {
  static final String KEY = "AKIDSTRATATEST000001";
  static final String SECRET = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ";

  @TempDir static Path data;
  Vertx vertx;
  FunctionRuntime runtime;
  LambdaClient lambda;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    runtime =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                RuntimeSettings.defaults(data),
                new Auth(Map.of(KEY, SECRET), false),
                new SimpleMeterRegistry(),
                Clock.SYSTEM,
                List.of(Duration.ofMillis(50), Duration.ofMillis(100))));
    lambda = client(SECRET);
    byte[] bundle = javaBundle();
    CreateFunctionResponse created =
        lambda.createFunction(
            b ->
                b.functionName("java-hello")
                    .runtime("java17")
                    .handler(HelloHandler.class.getName() + "::handleRequest")
                    .role("arn:aws:iam::000000000000:role/any")
                    .memorySize(256)
                    .timeout(30)
                    .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(bundle)).build()));
    assertEquals("java17", created.runtimeAsString());
    lambda.createFunction(
        b ->
            b.functionName("java-http")
                .runtime("java17")
                .handler(HttpApiHandler.class.getName())
                .role("arn:aws:iam::000000000000:role/any")
                .memorySize(256)
                .timeout(30)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(bundle)).build()));
  }

  @AfterAll
  void stop() {
    lambda.close();
    runtime.close();
    Sync.await(vertx.close());
  }

  LambdaClient client(String secret) {
    return LambdaClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + runtime.port()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, secret)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** The handler classes compiled in this module, and aws-lambda-java-events in lib/. */
  static byte[] javaBundle() throws Exception {
    Map<String, Object> files = new LinkedHashMap<>();
    for (Class<?> c : List.of(HelloHandler.class, HttpApiHandler.class)) {
      String name = c.getName().replace('.', '/') + ".class";
      try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
        files.put(name, in.readAllBytes());
      }
    }
    Path events =
        Path.of(
            com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    files.put("lib/aws-lambda-java-events.jar", Files.readAllBytes(events));
    return Zips.of(files);
  }

  @Test
  void javaHandlerRunsUnderTheOfficialRuntimeClientAndReturnsLogs() {
    InvokeResponse r =
        lambda.invoke(
            b ->
                b.functionName("java-hello")
                    .logType(LogType.TAIL)
                    .payload(SdkBytes.fromUtf8String("{\"name\":\"duke\"}")));
    assertEquals(200, r.statusCode());
    assertNull(r.functionError());
    assertEquals("$LATEST", r.executedVersion());
    JsonObject out = new JsonObject(r.payload().asUtf8String());
    assertEquals("duke", out.getString("hello"));
    assertEquals("java-hello", out.getString("fn"));
    assertEquals(256, out.getInteger("memory"));
    assertTrue(out.getLong("remaining") > 20_000, out.encode());
    String log = new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
    assertTrue(log.contains("hello from java duke"), log);
    assertTrue(log.contains("REPORT RequestId: " + out.getString("requestId")), log);
  }

  @Test
  void handlerExceptionsComeBackAsUnhandledFunctionErrors() {
    InvokeResponse r =
        lambda.invoke(
            b ->
                b.functionName("java-hello")
                    .payload(SdkBytes.fromUtf8String("{\"name\":\"boom\"}")));
    assertEquals(200, r.statusCode());
    assertEquals("Unhandled", r.functionError());
    JsonObject err = new JsonObject(r.payload().asUtf8String());
    assertEquals("java.lang.IllegalStateException", err.getString("errorType"));
    assertEquals("boom", err.getString("errorMessage"));
  }

  @Test
  void eventsTypedHandlerGetsApiGatewayV2Event() {
    String event =
        "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/hello\",\"rawQueryString\":\"q=1\","
            + "\"queryStringParameters\":{\"q\":\"1\"},\"headers\":{},\"isBase64Encoded\":false,"
            + "\"requestContext\":{\"http\":{\"method\":\"GET\",\"path\":\"/hello\"}}}";
    InvokeResponse r =
        lambda.invoke(b -> b.functionName("java-http").payload(SdkBytes.fromUtf8String(event)));
    assertNull(r.functionError(), r.payload().asUtf8String());
    JsonObject out = new JsonObject(r.payload().asUtf8String());
    assertEquals(200, out.getInteger("statusCode"));
    assertEquals("path=/hello q=1", out.getString("body"));
  }

  @Test
  void asyncInvokeIsAcceptedWith202() {
    InvokeResponse r =
        lambda.invoke(
            b ->
                b.functionName("java-hello")
                    .invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{\"name\":\"later\"}")));
    assertEquals(202, r.statusCode());
    InvokeResponse dry =
        lambda.invoke(b -> b.functionName("java-hello").invocationType(InvocationType.DRY_RUN));
    assertEquals(204, dry.statusCode());
  }

  @Test
  void sdkManagesVersionsAliasesAndSeesLambdaErrors() {
    var v = lambda.publishVersion(b -> b.functionName("java-hello"));
    assertEquals("1", v.version());
    var alias =
        lambda.createAlias(b -> b.functionName("java-hello").name("prod").functionVersion("1"));
    assertTrue(alias.aliasArn().endsWith(":function:java-hello:prod"), alias.aliasArn());
    InvokeResponse viaAlias =
        lambda.invoke(
            b ->
                b.functionName("java-hello")
                    .qualifier("prod")
                    .payload(SdkBytes.fromUtf8String("{\"name\":\"v\"}")));
    assertEquals("1", viaAlias.executedVersion());
    assertEquals("1", new JsonObject(viaAlias.payload().asUtf8String()).getString("version"));
    assertEquals(
        "java17",
        lambda.getFunction(b -> b.functionName("java-hello")).configuration().runtimeAsString());
    assertThrows(
        ResourceNotFoundException.class, () -> lambda.invoke(b -> b.functionName("missing")));
  }

  @Test
  void throttledInvocationsRaiseTooManyRequestsWithReason() {
    byte[] zip = Zips.of("app.py", "def handler(e, c):\n    return 1\n");
    lambda.createFunction(
        b ->
            b.functionName("py-zero")
                .runtime("python3.12")
                .handler("app.handler")
                .role("arn:aws:iam::000000000000:role/any")
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(zip)).build()));
    lambda.putFunctionConcurrency(b -> b.functionName("py-zero").reservedConcurrentExecutions(0));
    TooManyRequestsException e =
        assertThrows(
            TooManyRequestsException.class, () -> lambda.invoke(b -> b.functionName("py-zero")));
    assertEquals("ReservedFunctionConcurrentInvocationLimitExceeded", e.reasonAsString());
    assertEquals(429, e.statusCode());
  }

  @Test
  void badSignaturesAndUnsignedRequestsAreRefused() throws Exception {
    try (LambdaClient wrong = client("not-the-secret")) {
      SdkServiceException e =
          assertThrows(
              SdkServiceException.class,
              () -> wrong.getFunction(b -> b.functionName("java-hello")));
      assertEquals(403, e.statusCode());
      assertEquals(
          "InvalidSignatureException",
          ((software.amazon.awssdk.awscore.exception.AwsServiceException) e)
              .awsErrorDetails()
              .errorCode());
    }
    var http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    var resp =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + runtime.port()
                            + "/2015-03-31/functions/java-hello/invocations"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(403, resp.statusCode());
    assertEquals(
        "MissingAuthenticationTokenException",
        resp.headers().firstValue("x-amzn-ErrorType").orElseThrow());
  }
}
