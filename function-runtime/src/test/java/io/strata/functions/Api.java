package io.strata.functions;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** A plain HTTP client for the function API on loopback (unsigned; the server allows it). */
public final class Api {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  public Api(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public HttpResponse<String> send(
      String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    }
  }

  public HttpResponse<String> create(JsonObject config, byte[] zip) {
    JsonObject req =
        config
            .copy()
            .put("Code", new JsonObject().put("ZipFile", Base64.getEncoder().encodeToString(zip)));
    return send("POST", "/2015-03-31/functions", req.encode(), Map.of());
  }

  public void createOk(JsonObject config, byte[] zip) {
    HttpResponse<String> r = create(config, zip);
    if (r.statusCode() != 201) {
      throw new AssertionError("create failed: " + r.statusCode() + " " + r.body());
    }
  }

  public HttpResponse<String> invoke(String name, String payload) {
    return invoke(name, payload, Map.of());
  }

  public HttpResponse<String> invoke(String name, String payload, Map<String, String> headers) {
    return send("POST", "/2015-03-31/functions/" + name + "/invocations", payload, headers);
  }

  public static String logs(HttpResponse<String> r) {
    return new String(
        Base64.getDecoder().decode(r.headers().firstValue("X-Amz-Log-Result").orElseThrow()));
  }
}
