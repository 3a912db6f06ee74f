package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.control.ControlPlane;
import io.strata.control.ControlPlaneOptions;
import io.strata.core.testing.Sync;
import io.strata.functions.FunctionRuntime;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * Functions managed through the control plane's admin API and followed by the function runtime:
 * code uploaded as base64 and as a raw zip, versions published, a weighted alias, an access key
 * issued by the control plane and used by the AWS SDK's {@code LambdaClient}; then both processes
 * restart from their data directories and the version and the alias still answer; a revoked key is
 * refused.
 */
class FunctionsControlPlaneTest {
  static final String TOKEN = "strata_test_admin_token_0123456789";

  @TempDir Path dir;

  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  record Reply(int status, String etag, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  static Reply call(String method, String url, byte[] body, String type, String ifMatch)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + TOKEN)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (ifMatch != null) {
      b.header("If-Match", ifMatch);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers().firstValue("ETag").orElse(null), r.body());
  }

  static Reply json(String method, String url, JsonObject body, String ifMatch) throws Exception {
    return call(
        method,
        url,
        body == null ? null : body.encode().getBytes(StandardCharsets.UTF_8),
        "application/json",
        ifMatch);
  }

  static byte[] handler(String answer) throws Exception {
    return FunctionOriginTest.zip(
        "app.py", "def handler(event, context):\n    return '" + answer + "'\n");
  }

  ControlPlane startControlPlane(Vertx vertx) {
    return Sync.await(
        ControlPlane.start(
            vertx,
            ControlPlaneOptions.defaults(dir.resolve("cp"))
                .withListen("127.0.0.1", 0)
                .withAdminToken(TOKEN)));
  }

  FunctionRuntime startRuntime(Vertx vertx, ControlPlane cp) {
    FunctionRuntime runtime =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                RuntimeSettings.defaults(dir.resolve("functions")),
                Auth.open(),
                new SimpleMeterRegistry()));
    runtime.followControlPlane(
        URI.create("http://127.0.0.1:" + cp.port()),
        cp.localNodeToken(),
        dir.resolve("functions/control-plane-state.json"));
    return runtime;
  }

  static void awaitApplied(FunctionRuntime runtime, long version) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (runtime.follower().appliedVersion() < version) {
      assertTrue(System.nanoTime() < deadline, "the runtime never applied version " + version);
      Thread.sleep(20);
    }
  }

  static LambdaClient client(FunctionRuntime runtime, String id, String secret) {
    return LambdaClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + runtime.port()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  static String invoke(LambdaClient client, String name, String qualifier) {
    InvokeResponse r =
        client.invoke(
            b -> {
              b.functionName(name).payload(SdkBytes.fromUtf8String("{}"));
              if (qualifier != null) {
                b.qualifier(qualifier);
              }
            });
    return r.executedVersion() + "=" + r.payload().asUtf8String();
  }

  @Test
  void managedFunctionsVersionsAndAliasesSurviveRestartsAndKeysComeFromTheControlPlane()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    ControlPlane cp = startControlPlane(vertx);
    FunctionRuntime runtime = startRuntime(vertx, cp);
    try {
      String api = "http://127.0.0.1:" + cp.port() + "/v1";
      Reply created =
          json(
              "POST",
              api + "/functions",
              new JsonObject()
                  .put("id", "greet")
                  .put("runtime", "python3")
                  .put("handler", "app.handler")
                  .put(
                      "code",
                      new JsonObject()
                          .put("zipFile", Base64.getEncoder().encodeToString(handler("v1")))),
              null);
      assertEquals(201, created.status(), created.body());
      assertEquals(201, json("POST", api + "/functions/greet/versions", null, null).status());
      Reply stale =
          call("PUT", api + "/functions/greet/code", handler("v2"), "application/zip", "\"E0\"");
      assertEquals(412, stale.status(), stale.body());
      Reply code =
          call(
              "PUT",
              api + "/functions/greet/code",
              handler("v2"),
              "application/zip",
              created.etag());
      assertEquals(200, code.status(), code.body());
      assertEquals(201, json("POST", api + "/functions/greet/versions", null, null).status());
      Reply alias =
          json(
              "PUT",
              api + "/functions/greet/aliases/live",
              new JsonObject()
                  .put("functionVersion", "1")
                  .put("additionalVersion", "2")
                  .put("additionalWeight", 0.5),
              null);
      assertEquals(200, alias.status(), alias.body());
      Reply key =
          json("POST", api + "/access-keys", new JsonObject().put("description", "test"), null);
      assertEquals(201, key.status(), key.body());
      String keyId = key.json().getString("accessKeyId");
      String secret = key.json().getString("secretAccessKey");
      Reply listed = json("GET", api + "/access-keys", null, null);
      assertTrue(listed.body().contains(keyId) && !listed.body().contains(secret), listed.body());
      awaitApplied(runtime, key.json().getLong("version", 0L));

      try (LambdaClient client = client(runtime, keyId, secret)) {
        assertEquals("1=\"v1\"", invoke(client, "greet", "1"));
        assertEquals("$LATEST=\"v2\"", invoke(client, "greet", null));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 24; i++) {
          seen.add(invoke(client, "greet", "live"));
        }
        assertEquals(Set.of("1=\"v1\"", "2=\"v2\""), seen, "weighted alias routes to both");
      }
      Reply refused =
          new Reply(
              HTTP.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "http://127.0.0.1:" + runtime.port() + "/2015-03-31/functions"))
                          .POST(HttpRequest.BodyPublishers.ofString("{}"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode(),
              null,
              null);
      assertEquals(403, refused.status(), "the control plane is the source of truth");

      // Both processes restart from their data directories; first the runtime alone, with the
      // control plane down: it serves its saved state (unsigned on loopback: the saved state has
      // no secrets).
      long savedVersion = runtime.follower().appliedVersion();
      int downPort = cp.port();
      runtime.close();
      Sync.await(cp.close());
      FunctionRuntime alone =
          Sync.await(
              FunctionRuntime.start(
                  vertx,
                  "127.0.0.1",
                  0,
                  RuntimeSettings.defaults(dir.resolve("functions")),
                  Auth.open(),
                  new SimpleMeterRegistry()));
      try {
        alone.followControlPlane(
            URI.create("http://127.0.0.1:" + downPort),
            "no-control-plane",
            dir.resolve("functions/control-plane-state.json"));
        awaitApplied(alone, savedVersion);
        HttpResponse<String> offline =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + alone.port()
                                + "/2015-03-31/functions/greet/invocations?Qualifier=1"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("\"v1\"", offline.body(), "served from the saved state");
      } finally {
        alone.close();
      }
      cp = startControlPlane(vertx);
      runtime = startRuntime(vertx, cp);
      awaitApplied(runtime, savedVersion);
      String restartedApi = "http://127.0.0.1:" + cp.port() + "/v1";
      try (LambdaClient client = client(runtime, keyId, secret)) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        // The saved state has no secrets: the key arrives with the control plane's answer.
        while (true) {
          try {
            assertEquals("1=\"v1\"", invoke(client, "greet", "1"));
            break;
          } catch (LambdaException e) {
            assertTrue(System.nanoTime() < deadline, e.getMessage());
            Thread.sleep(20);
          }
        }
        assertTrue(invoke(client, "greet", "live").matches("[12]=\"v[12]\""));
        long before = runtime.follower().appliedVersion();
        assertEquals(
            204, json("DELETE", restartedApi + "/access-keys/" + keyId, null, null).status());
        awaitApplied(runtime, before + 1);
        LambdaException revoked =
            assertThrows(LambdaException.class, () -> invoke(client, "greet", "1"));
        assertEquals(403, revoked.statusCode());
      }
    } finally {
      runtime.close();
      Sync.await(cp.close());
      Sync.await(vertx.close());
    }
  }
}
