package io.strata.core.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.config.Origin;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.api.Test;

class LambdaEdgeEventsTest {
  static final Origin ORIGIN = new Origin("web", URI.create("http://127.0.0.1:8000/base"));

  static MultiMap sent() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Via", "1.1 edge")
        .add("X-Forwarded-For", "203.0.113.9, 127.0.0.1")
        .add("Accept-Encoding", "identity");
  }

  @Test
  void requestEventHasCloudFrontsShape() {
    JsonObject r = LambdaEdgeEvents.request("GET", "/a/b?x=1", sent(), ORIGIN, false);
    assertEquals("203.0.113.9", r.getString("clientIp"));
    assertEquals("/a/b", r.getString("uri"));
    assertEquals("x=1", r.getString("querystring"));
    assertEquals(
        "X-Forwarded-For",
        r.getJsonObject("headers")
            .getJsonArray("x-forwarded-for")
            .getJsonObject(0)
            .getString("key"));
    assertEquals(
        "127.0.0.1",
        r.getJsonObject("headers").getJsonArray("host").getJsonObject(0).getString("value"));
    JsonObject custom = r.getJsonObject("origin").getJsonObject("custom");
    assertEquals("/base", custom.getString("path"));
    assertEquals(8000, custom.getInteger("port"));
  }

  @Test
  void changedRequestIsForwardedWithItsOrigin() {
    JsonObject r = LambdaEdgeEvents.request("GET", "/a", sent(), ORIGIN, false);
    r.put("uri", "/b").put("querystring", "y=2");
    r.getJsonObject("origin").getJsonObject("custom").put("port", 9000);
    var out = LambdaEdgeEvents.requestResult(r.toBuffer(), "GET", sent(), ORIGIN);
    LambdaEdgeEvents.Forward f = assertInstanceOf(LambdaEdgeEvents.Forward.class, out);
    assertEquals("/b?y=2", f.pathAndQuery());
    assertEquals(9000, f.origin().port());
    assertEquals("web", f.origin().id());
  }

  @Test
  void changingAReadOnlyHeaderIsAValidationError() {
    JsonObject r = LambdaEdgeEvents.request("GET", "/a", sent(), ORIGIN, false);
    r.getJsonObject("headers")
        .put(
            "via",
            new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("key", "Via").put("value", "x")));
    HookFailure e =
        assertThrows(
            HookFailure.class,
            () -> LambdaEdgeEvents.requestResult(r.toBuffer(), "GET", sent(), ORIGIN));
    assertEquals(HookFailure.VALIDATION, e.resultType());
    assertTrue(e.getMessage().contains("via is read-only"), e.getMessage());
  }

  @Test
  void generatedResponseBodyIsLimitedAndDecoded() {
    JsonObject gen =
        new JsonObject().put("status", "404").put("body", "aGk=").put("bodyEncoding", "base64");
    var out = LambdaEdgeEvents.requestResult(gen.toBuffer(), "GET", sent(), ORIGIN);
    LambdaEdgeEvents.Generate g = assertInstanceOf(LambdaEdgeEvents.Generate.class, out);
    assertEquals(404, g.status());
    assertEquals("hi", g.body().toString());
    JsonObject big = new JsonObject().put("status", 200).put("body", "x".repeat(1024 * 1024 + 1));
    assertThrows(
        HookFailure.class,
        () -> LambdaEdgeEvents.requestResult(big.toBuffer(), "GET", sent(), ORIGIN));
    assertThrows(
        HookFailure.class,
        () ->
            LambdaEdgeEvents.requestResult(
                Buffer.buffer("\"not an object\""), "GET", sent(), ORIGIN));
  }

  @Test
  void responseResultKeepsTheOriginsFramingWhenTheBodyStays() {
    MultiMap received =
        MultiMap.caseInsensitiveMultiMap().add("Content-Length", "5").add("ETag", "\"a\"");
    JsonObject resp = LambdaEdgeEvents.response(200, "OK", received);
    resp.getJsonObject("headers").remove("content-length");
    resp.put("status", "201");
    var out = LambdaEdgeEvents.responseResult(resp.toBuffer(), received);
    assertEquals(201, out.status());
    assertEquals("5", out.headers().get("Content-Length"));
  }
}
