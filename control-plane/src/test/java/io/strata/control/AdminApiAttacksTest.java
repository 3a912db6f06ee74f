package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.testing.Sync;
import io.strata.core.time.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile calls against the real control plane on H2 over loopback: missing and weak tokens, token
 * guessing, injection in path ids and bodies, oversized bodies. Every refusal is JSON, never a 500,
 * and never changes another resource.
 */
class AdminApiAttacksTest {
  private static final String ADMIN = "attack-test-admin-token-0123456789";

  @TempDir Path dir;
  private Vertx vertx;
  private ControlPlane cp;
  private Api api;
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    cp =
        Sync.await(
            ControlPlane.start(
                vertx,
                TestStores.h2(dir)
                    .withAdminToken(ADMIN)
                    .withClock(clock)
                    .withTimings(3_000, 15_000),
                registry));
    api = new Api("http://127.0.0.1:" + cp.port(), ADMIN);
    assertEquals(
        201,
        api.post("/v1/distributions", AdminApiContract.distribution("site", "a.example")).status());
  }

  @AfterEach
  void stop() {
    Sync.await(cp.close());
    Sync.await(vertx.close());
  }

  @Test
  void everyProtectedRouteRefusesAMissingTokenWithJson() {
    Api anonymous = api.as(null);
    for (String path :
        List.of(
            "/v1/status",
            "/v1/config",
            "/v1/distributions",
            "/v1/distributions/site",
            "/v1/tokens",
            "/v1/audit",
            "/v1/nodes")) {
      Api.Reply reply = anonymous.get(path);
      assertEquals(401, reply.status(), path);
      assertEquals("Unauthorized", reply.errorCode(), path);
    }
    Api.Reply write = anonymous.delete("/v1/distributions/site", null);
    assertEquals(401, write.status());
    assertEquals(200, api.get("/v1/distributions/site").status(), "nothing was deleted");
  }

  @Test
  void underPrivilegedTokensAreForbiddenWithJson() {
    Api readOnly =
        api.as(
            api.post("/v1/tokens", new JsonObject().put("role", "read-only"))
                .json()
                .getString("token"));
    Api node =
        api.as(
            api.post("/v1/tokens", new JsonObject().put("role", "node")).json().getString("token"));

    String etag = api.get("/v1/distributions/site").etag();
    for (Api.Reply reply :
        List.of(
            readOnly.delete("/v1/distributions/site", etag),
            readOnly.put(
                "/v1/distributions/site", AdminApiContract.distribution("site", "b.example"), etag),
            readOnly.post("/v1/tokens", new JsonObject().put("role", "admin")),
            readOnly.get("/v1/tokens"),
            node.get("/v1/distributions"),
            node.get("/v1/tokens"),
            node.get("/v1/audit"),
            node.post("/v1/tokens", new JsonObject().put("role", "admin")),
            node.delete("/v1/distributions/site", etag))) {
      assertEquals(403, reply.status(), reply.raw().body());
      assertEquals("Forbidden", reply.errorCode());
    }
    assertEquals(etag, api.get("/v1/distributions/site").etag(), "unchanged");
  }

  @Test
  void tokenGuessingIsRateLimitedPerAddressUntilTheWindowEnds() {
    Api guesser = api.as("strata_guess");
    for (int i = 0; i < AuthThrottle.MAX_FAILURES; i++) {
      assertEquals(401, guesser.get("/v1/distributions").status(), "guess " + i);
    }
    Api.Reply throttled = guesser.get("/v1/distributions");
    assertEquals(429, throttled.status());
    assertEquals("TooManyRequests", throttled.errorCode());
    assertEquals("60", throttled.raw().headers().firstValue("Retry-After").orElse(null));
    // Once locked out, even the right token from that address waits: guesses are never checked.
    assertEquals(429, api.get("/v1/distributions").status());

    clock.advance(Duration.ofSeconds(45));
    assertEquals(
        "15", guesser.get("/v1/status").raw().headers().firstValue("Retry-After").orElse(null));
    clock.advance(Duration.ofSeconds(15));
    assertEquals(200, api.get("/v1/distributions").status());

    assertEquals(
        AuthThrottle.MAX_FAILURES, registry.get("strata.control.auth.failures").counter().count());
    assertEquals(1.0, registry.get("strata.control.auth.lockouts").counter().count());
    assertEquals(3.0, registry.get("strata.control.auth.throttled").counter().count());
  }

  @Test
  void validTokensAreNeverCountedAsFailures() {
    for (int i = 0; i < AuthThrottle.MAX_FAILURES * 2; i++) {
      assertEquals(200, api.get("/v1/status").status());
    }
    assertEquals(0.0, registry.get("strata.control.auth.failures").counter().count());
  }

  @Test
  void hostileIdsInPathsAre400WithJsonAndTouchNothingElse() {
    List<String> ids =
        List.of(
            "..",
            ".",
            "..%2Fsite",
            "..%2F..%2Fv1%2Ftokens",
            "%2e%2e",
            "site'",
            "site%27%20OR%20%271%27=%271",
            "site;DROP%20TABLE%20strata_resources",
            "site%22",
            "%3Cscript%3E",
            "caf%C3%A9",
            "%00",
            "-leading-dash",
            "a".repeat(129),
            "b".repeat(5000));
    for (String id : ids) {
      for (String method : List.of("GET", "DELETE", "PUT")) {
        Raw reply =
            raw(method, "/v1/distributions/" + id, method.equals("PUT") ? "{\"id\":\"x\"}" : null);
        assertEquals(400, reply.status(), method + " " + id + ": " + reply.body());
        JsonObject error = new JsonObject(reply.body()).getJsonObject("error");
        assertEquals("InvalidArgument", error.getString("code"));
        assertEquals("id", error.getJsonArray("problems").getJsonObject(0).getString("field"));
      }
    }
    assertEquals(400, raw("POST", "/v1/distributions/..%2Fsite/invalidations", "{}").status());
    assertEquals(400, raw("DELETE", "/v1/tokens/T'%20OR%201=1--", null).status());
    assertEquals(400, raw("DELETE", "/v1/nodes/..", null).status());
    // Dot segments are not resolved into another route.
    assertEquals(404, raw("GET", "/v1/distributions/../tokens", null).status());
    assertEquals(200, api.get("/v1/distributions/site").status());
    assertEquals(1, api.get("/v1/distributions").json().getJsonArray("items").size());
  }

  @Test
  void hostileIdsInBodiesAre400WithJson() {
    for (String id :
        List.of(
            "../x", "x'--", "x\" OR \"1\"=\"1", "x;DROP TABLE strata_tokens", "caf\u00e9", "")) {
      Api.Reply reply =
          api.post(
              "/v1/distributions",
              AdminApiContract.distribution("placeholder", "z.example").put("id", id));
      assertEquals(400, reply.status(), id);
      assertEquals("InvalidArgument", reply.errorCode(), id);
    }
    Api.Reply longId =
        api.post(
            "/v1/distributions",
            AdminApiContract.distribution("placeholder", "z.example")
                .put("id", "x".repeat(10_000)));
    assertEquals(400, longId.status());
    // Free text that is stored is bound as a parameter, never spliced into SQL.
    String evil = "it's a '); DELETE FROM strata_tokens; DROP TABLE strata_resources; --";
    Api.Reply created =
        api.post("/v1/tokens", new JsonObject().put("role", "read-only").put("description", evil));
    assertEquals(201, created.status(), created.raw().body());
    assertTrue(api.get("/v1/tokens").json().encode().contains("DELETE FROM strata_tokens"));
    assertEquals(200, api.get("/v1/distributions/site").status());
    assertEquals(200, api.as(created.json().getString("token")).get("/v1/status").status());
  }

  @Test
  void malformedBodiesAre400NeverA500() {
    for (String body :
        List.of(
            "{",
            "[]",
            "null",
            "\"text\"",
            "{\"id\": {\"$gt\": \"\"}}",
            "{\"id\": \"site2\", \"aliases\": \"not-a-list\"}",
            "[".repeat(10_000) + "]".repeat(10_000))) {
      Api.Reply reply = api.send("POST", "/v1/distributions", body, null);
      assertEquals(400, reply.status(), body.length() > 80 ? body.substring(0, 80) : body);
      assertNotNull(reply.json().getJsonObject("error"));
    }
  }

  @Test
  void oversizedBodiesAre413WithJson() {
    String big = "{\"id\":\"" + "x".repeat((1 << 20) + 10) + "\"}";
    Raw declared = raw("POST", "/v1/distributions", big);
    assertEquals(413, declared.status(), declared.body());
    assertEquals(
        "PayloadTooLarge",
        new JsonObject(declared.body()).getJsonObject("error").getString("code"));
    Raw chunked = rawChunked("/v1/distributions", big);
    assertEquals(413, chunked.status(), chunked.body());
    assertFalse(api.get("/v1/distributions").raw().body().contains("xxxxxxxx"));
  }

  record Raw(int status, String head, String body) {}

  private Raw raw(String method, String target, String body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + ADMIN
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n\r\n";
    return exchange(head.getBytes(StandardCharsets.ISO_8859_1), bytes);
  }

  private Raw rawChunked(String target, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + ADMIN
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
            + "\r\nConnection: close\r\n\r\n";
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    for (int i = 0; i < bytes.length; i += 65536) {
      int n = Math.min(65536, bytes.length - i);
      chunked.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      chunked.write(bytes, i, n);
      chunked.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return exchange(head.getBytes(StandardCharsets.ISO_8859_1), chunked.toByteArray());
  }

  /** Sends a request over a plain socket; the server may answer and close before the body ends. */
  private Raw exchange(byte[] head, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", cp.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head);
      try {
        out.write(body);
        out.flush();
      } catch (IOException refusedMidBody) {
        // The answer was sent and the connection closed before the whole body went out.
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(all);
      } catch (IOException reset) {
        // A reset after the answer: keep what arrived.
      }
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String headText = text.substring(0, end);
      String bodyText = text.substring(end + 4);
      if (headText.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (true) {
          int lineEnd = bodyText.indexOf("\r\n", i);
          int size = Integer.parseInt(bodyText.substring(i, lineEnd).trim(), 16);
          if (size == 0) {
            break;
          }
          plain.append(bodyText, lineEnd + 2, lineEnd + 2 + size);
          i = lineEnd + 2 + size + 2;
        }
        bodyText = plain.toString();
      }
      return new Raw(Integer.parseInt(headText.substring(9, 12)), headText, bodyText);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
