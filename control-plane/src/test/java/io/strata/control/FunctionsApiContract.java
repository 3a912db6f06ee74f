package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.testing.Sync;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The functions and access keys admin API: every limit refused with a 400 naming its field. Run on
 * H2 ({@link H2FunctionsApiTest}) and on PostgreSQL when one is configured ({@link
 * PostgresFunctionsApiTest}).
 */
abstract class FunctionsApiContract {
  static final String TOKEN = "t-functions-0123456789";

  @TempDir Path dir;
  Vertx vertx;
  ControlPlane cp;
  Api api;

  abstract ControlPlaneOptions storeOptions(Path dir) throws Exception;

  void releaseStore() {}

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    cp = Sync.await(ControlPlane.start(vertx, storeOptions(dir).withAdminToken(TOKEN)));
    api = new Api("http://127.0.0.1:" + cp.port(), TOKEN);
  }

  @AfterEach
  void stop() {
    if (cp != null) {
      Sync.await(cp.close());
    }
    Sync.await(vertx.close());
    releaseStore();
  }

  static byte[] zip(String name, String content) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(content.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return out.toByteArray();
  }

  static JsonObject function(String id, byte[] zip) {
    return new JsonObject()
        .put("id", id)
        .put("runtime", "python3")
        .put("handler", "app.handler")
        .put("code", new JsonObject().put("zipFile", Base64.getEncoder().encodeToString(zip)));
  }

  HttpResponse<String> rawZip(String path, byte[] zip, String ifMatch) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/zip")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(zip));
    if (ifMatch != null) {
      b.header("If-Match", ifMatch);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String problem(Api.Reply r, String field) {
    for (Object p : r.json().getJsonObject("error").getJsonArray("problems", new JsonArray())) {
      JsonObject o = (JsonObject) p;
      if (o.getString("field").equals(field)) {
        return o.getString("problem");
      }
    }
    return null;
  }

  @Test
  void everyFunctionLimitIsRefusedWithItsField() throws Exception {
    byte[] zip = zip("app.py", "def handler(e, c):\n    return 1\n");
    Api.Reply memory = api.post("/v1/functions", function("f", zip).put("memorySize", 64));
    assertEquals(400, memory.status());
    assertEquals("64 (expected: 128-10240 MB)", problem(memory, "memorySize"));
    Api.Reply timeout = api.post("/v1/functions", function("f", zip).put("timeout", 901));
    assertEquals("901 (expected: 1-900 seconds)", problem(timeout, "timeout"));
    Api.Reply runtime = api.post("/v1/functions", function("f", zip).put("runtime", "cobol"));
    assertTrue(problem(runtime, "runtime").startsWith("'cobol' (expected: java17, nodejs20"));
    Api.Reply env =
        api.post(
            "/v1/functions",
            function("f", zip).put("environment", new JsonObject().put("BIG", "x".repeat(4100))));
    assertTrue(problem(env, "environment").contains("at most 4096 bytes"), env.raw().body());
    Api.Reply types =
        api.post("/v1/functions", function("f", zip).put("timeout", "ten").put("handler", 5));
    assertEquals("'ten' (expected: a whole number)", problem(types, "timeout"));
    assertEquals("5 (expected: a string)", problem(types, "handler"));
    Api.Reply name = api.post("/v1/functions", function("no spaces", zip));
    assertNotNull(problem(name, "id"), name.raw().body());
    Api.Reply noCode = api.post("/v1/functions", function("f", zip).put("code", null));
    assertNotNull(problem(noCode, "code"), noCode.raw().body());
    Api.Reply notZip =
        api.post(
            "/v1/functions",
            function("f", zip)
                .put(
                    "code",
                    new JsonObject()
                        .put("zipFile", Base64.getEncoder().encodeToString(new byte[40]))));
    assertEquals("not a zip archive", problem(notZip, "code"));
    Api.Reply slip = api.post("/v1/functions", function("f", zip("../evil.py", "x")));
    assertEquals(400, slip.status(), slip.raw().body());
    assertEquals(404, api.get("/v1/functions/f").status(), "nothing was half-created");
  }

  @Test
  void codeUploadsAsRawZipWithIfMatchAndVersionsAliasesSchedulesAreChecked() throws Exception {
    Api.Reply created = api.post("/v1/functions", function("f", zip("app.py", "v1")));
    assertEquals(201, created.status(), created.raw().body());
    String sha1 = created.json().getJsonObject("spec").getString("codeSha256");
    assertEquals(428, rawZip("/v1/functions/f/code", zip("app.py", "v2"), null).statusCode());
    HttpResponse<String> code = rawZip("/v1/functions/f/code", zip("app.py", "v2"), created.etag());
    assertEquals(200, code.statusCode(), code.body());
    String sha2 = new JsonObject(code.body()).getJsonObject("spec").getString("codeSha256");
    assertFalse(sha1.equals(sha2));
    assertEquals(64, sha2.length(), "content-addressed by SHA-256");

    Api.Reply unpublished =
        api.put("/v1/functions/f/aliases/live", new JsonObject().put("functionVersion", "1"), null);
    assertEquals(
        "'1' (expected: a published version of 'f')", problem(unpublished, "functionVersion"));
    assertEquals(201, api.post("/v1/functions/f/versions", null).status());
    Api.Reply again = api.post("/v1/functions/f/versions", null);
    assertEquals(200, again.status(), "unchanged $LATEST: the last version again");
    assertEquals(1, again.json().getJsonObject("spec").getInteger("version"));
    Api.Reply badWeight =
        api.put(
            "/v1/functions/f/aliases/live",
            new JsonObject()
                .put("functionVersion", "1")
                .put("additionalVersion", "$LATEST")
                .put("additionalWeight", 0.5),
            null);
    assertEquals(400, badWeight.status(), badWeight.raw().body());
    Api.Reply alias =
        api.put("/v1/functions/f/aliases/live", new JsonObject().put("functionVersion", "1"), null);
    assertEquals(200, alias.status(), alias.raw().body());
    Api.Reply schedule =
        api.put(
            "/v1/functions/f/schedules/nightly",
            new JsonObject().put("scheduleExpression", "cron(0 25 * * ? *)"),
            null);
    assertNotNull(problem(schedule, "scheduleExpression"), schedule.raw().body());
    Api.Reply good =
        api.put(
            "/v1/functions/f/schedules/nightly",
            new JsonObject().put("scheduleExpression", "rate(5 minutes)").put("qualifier", "live"),
            null);
    assertEquals(200, good.status(), good.raw().body());
    assertEquals(409, api.delete("/v1/functions/f/aliases/live", alias.etag()).status());
    Api.Reply audit = api.get("/v1/audit");
    assertTrue(audit.raw().body().contains("\"function-schedules\""), audit.raw().body());
  }

  @Test
  void aFunctionABehaviorUsesCannotBeDeleted() throws Exception {
    Api.Reply created = api.post("/v1/functions", function("hook", zip("app.py", "x")));
    assertEquals(201, created.status());
    assertEquals(201, api.post("/v1/functions/hook/versions", null).status());
    JsonObject distribution =
        new JsonObject(
            "{\"id\":\"site\",\"aliases\":[\"localhost\"],\"origins\":[{\"id\":\"web\",\"url\":\"http://127.0.0.1:8000\"}],"
                + "\"defaultBehavior\":{\"origin\":\"web\",\"lambdaFunctionAssociations\":"
                + "[{\"eventType\":\"origin-request\",\"lambdaFunctionArn\":\"hook:1\"}]}}");
    JsonObject unknown = distribution.copy().put("id", "nope");
    unknown
        .getJsonObject("defaultBehavior")
        .getJsonArray("lambdaFunctionAssociations")
        .getJsonObject(0)
        .put("lambdaFunctionArn", "arn:aws:lambda:us-east-1:000000000000:function:hook:7");
    Api.Reply missing = api.post("/v1/distributions", unknown);
    assertEquals(400, missing.status());
    assertEquals(
        "'arn:aws:lambda:us-east-1:000000000000:function:hook:7' (expected: a published version or"
            + " an alias of 'hook')",
        problem(missing, "defaultBehavior.lambdaFunctionAssociations[0].lambdaFunctionArn"));
    assertEquals(201, api.post("/v1/distributions", distribution).status());
    Api.Reply inUse = api.delete("/v1/functions/hook", created.etag());
    assertEquals(409, inUse.status());
    assertEquals("ResourceInUse", inUse.errorCode());
    Api.Reply viewer =
        api.post(
            "/v1/distributions",
            distribution
                .copy()
                .put("id", "other")
                .put(
                    "defaultBehavior",
                    new JsonObject(
                        "{\"origin\":\"web\",\"lambdaFunctionAssociations\":"
                            + "[{\"eventType\":\"viewer-request\",\"lambdaFunctionArn\":\"hook\"}]}")));
    assertEquals(400, viewer.status());
    assertTrue(
        viewer.raw().body().contains("viewer events are not supported"), viewer.raw().body());
  }

  @Test
  void accessKeySecretIsShownOnceAndDeleteRevokesIt() {
    Api.Reply key = api.post("/v1/access-keys", new JsonObject().put("description", "ci"));
    assertEquals(201, key.status());
    String id = key.json().getString("accessKeyId");
    String secret = key.json().getString("secretAccessKey");
    assertTrue(id.matches("AKIA[A-Z2-7]{16}"), id);
    assertEquals(40, secret.length());
    Api.Reply list = api.get("/v1/access-keys");
    assertTrue(list.raw().body().contains(id));
    assertFalse(list.raw().body().contains(secret));
    Api.Reply state = api.get("/v1/functions-state");
    assertTrue(state.raw().body().contains(secret), "the runtime's stream carries it");
    assertEquals(204, api.delete("/v1/access-keys/" + id, null).status());
    assertFalse(api.get("/v1/functions-state").raw().body().contains(id));
    assertEquals(404, api.delete("/v1/access-keys/" + id, null).status());
  }
}
