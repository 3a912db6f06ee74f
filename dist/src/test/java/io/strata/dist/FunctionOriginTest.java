package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.functions.FunctionRuntime;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.vertx.core.Vertx;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function as a behavior's origin, through its function URL: edge → regional → function; the
 * response is cached per the behavior's policy, so the function runs once for a cached path and on
 * every request of an uncached behavior.
 */
class FunctionOriginTest {
  static final String HANDLER =
      String.join(
          "\n",
          "count = 0",
          "def handler(event, context):",
          "    global count",
          "    count += 1",
          "    return {'statusCode': 200,",
          "            'headers': {'content-type': 'text/plain', 'cache-control': 'max-age=60'},",
          "            'body': 'hello ' + event['rawPath'] + ' #' + str(count)}",
          "");

  @TempDir Path data;

  static byte[] zip(String name, String content) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(content.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return out.toByteArray();
  }

  static HttpResponse<String> post(String url, String body) throws Exception {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void functionUrlServesAsOriginAndItsResponsesAreCachedPerBehavior() throws Exception {
    Vertx vertx = StrataVertx.create();
    FunctionRuntime functions =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                RuntimeSettings.defaults(data),
                Auth.open(),
                new SimpleMeterRegistry()));
    String api = "http://127.0.0.1:" + functions.port();
    try {
      HttpResponse<String> created =
          post(
              api + "/2015-03-31/functions",
              new JsonObject()
                  .put("FunctionName", "site")
                  .put("Runtime", "python3")
                  .put("Handler", "app.handler")
                  .put(
                      "Code",
                      new JsonObject()
                          .put(
                              "ZipFile",
                              Base64.getEncoder().encodeToString(zip("app.py", HANDLER))))
                  .encode());
      assertEquals(201, created.statusCode(), created.body());
      HttpResponse<String> url =
          post(api + "/2021-10-31/functions/site/url", "{\"AuthType\":\"NONE\"}");
      assertEquals(201, url.statusCode(), url.body());
      String origin = new JsonObject(url.body()).getString("FunctionUrl");
      assertEquals(api + "/strata/url/site/", origin);

      try (Tiers tiers = new Tiers(vertx, api + "/strata/url/site", 1);
          TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
        TestClient.Response first = viewer.get("/hello");
        TestClient.Response second = viewer.get("/hello");
        assertEquals(200, first.status());
        assertEquals("hello /hello #1", first.text());
        assertEquals("Miss from strata", first.header("X-Cache"));
        assertEquals("hello /hello #1", second.text(), "served from the cache, not the function");
        assertEquals("Hit from strata", second.header("X-Cache"));
        assertEquals("hello /api/x #2", viewer.get("/api/x").text());
        assertEquals(
            "hello /api/x #3", viewer.get("/api/x").text(), "uncached behavior: every time");
      }
      HttpResponse<String> notExposed =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(api + "/strata/url/other/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(404, notExposed.statusCode(), "only functions with a URL config are reachable");
    } finally {
      functions.close();
      Sync.await(vertx.close());
    }
  }
}
