package io.strata.control;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking admin API client for tests: real HTTP on loopback. */
final class Api {
  record Reply(int status, JsonObject json, HttpResponse<String> raw) {
    String etag() {
      return raw.headers().firstValue("ETag").orElse(null);
    }

    String errorCode() {
      return json.getJsonObject("error").getString("code");
    }
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;
  private final String token;

  Api(String base, String token) {
    this.base = base;
    this.token = token;
  }

  Api as(String otherToken) {
    return new Api(base, otherToken);
  }

  Reply get(String path) {
    return send("GET", path, null, null);
  }

  Reply post(String path, Object body) {
    return send("POST", path, body, null);
  }

  Reply put(String path, Object body, String ifMatch) {
    return send("PUT", path, body, ifMatch);
  }

  Reply delete(String path, String ifMatch) {
    return send("DELETE", path, null, ifMatch);
  }

  Reply send(String method, String path, Object body, String ifMatch) {
    return send(method, path, body, ifMatch, "application/json");
  }

  Reply send(String method, String path, Object body, String ifMatch, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (ifMatch != null) {
      b.header("If-Match", ifMatch);
    }
    String text = body == null ? null : body instanceof String s ? s : Json.encode(body);
    b.method(
        method,
        text == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(text));
    if (text != null) {
      b.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonObject json = r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
      return new Reply(r.statusCode(), json, r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
