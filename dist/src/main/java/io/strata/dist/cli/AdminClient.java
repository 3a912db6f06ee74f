package io.strata.dist.cli;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A blocking client of the control plane's admin API, for the command line (and the tests that
 * drive a fleet through it). Bearer token, JSON in and out.
 */
public final class AdminClient {
  /** An answer: status, JSON body (empty when there was none) and ETag. */
  public record Reply(int status, JsonObject json, String etag) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The API's error message, or the status line when there is none. */
    public String errorMessage() {
      JsonObject error = json.getJsonObject("error");
      return error == null
          ? "HTTP " + status
          : error.getString("code") + ": " + error.getString("message");
    }
  }

  /** The control plane could not be reached at all. */
  public static final class UnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final URI base;
  private final String token;

  public AdminClient(URI base, String token) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.token = token;
  }

  public URI base() {
    return base;
  }

  public Reply get(String path) {
    return send("GET", path, null, null);
  }

  public Reply post(String path, JsonObject body) {
    return send("POST", path, body, null);
  }

  public Reply put(String path, JsonObject body, String ifMatch) {
    return send("PUT", path, body, ifMatch);
  }

  public Reply delete(String path, String ifMatch) {
    return send("DELETE", path, null, ifMatch);
  }

  public Reply send(String method, String path, JsonObject body, String ifMatch) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
    if (ifMatch != null) {
      b.header("If-Match", ifMatch);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(Json.encode(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonObject json;
      try {
        json = r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
      } catch (RuntimeException e) {
        json = new JsonObject().put("raw", r.body());
      }
      return new Reply(r.statusCode(), json, r.headers().firstValue("ETag").orElse(null));
    } catch (IOException e) {
      throw new UnreachableException("cannot reach the control plane at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException("interrupted", e);
    }
  }
}
