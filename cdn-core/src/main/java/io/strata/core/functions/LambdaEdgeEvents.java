package io.strata.core.functions;

import io.strata.core.config.Origin;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lambda@Edge's event and result shapes: {@code Records[0].cf.config}, {@code cf.request} (headers
 * as lower-case names mapping to lists of {@code {key, value}}, {@code querystring}, {@code uri},
 * {@code method}, {@code clientIp}, {@code origin.custom}) and, for origin-response, {@code
 * cf.response} ({@code status} as a string, {@code statusDescription}, {@code headers}). Results
 * are checked as CloudFront checks them: a wrong shape or a change to a read-only header is a
 * {@link HookFailure} of type {@code LambdaValidationError}.
 */
final class LambdaEdgeEvents {
  /** CloudFront's limit for a body an origin-facing function generates. */
  static final int MAX_GENERATED_BODY = 1024 * 1024;

  /**
   * Headers a function may not add or change (CloudFront's read-only and disallowed headers, and
   * Strata's own per-tier headers). Returning them unchanged is fine.
   */
  private static final Set<String> READ_ONLY =
      Set.of(
          "connection",
          "expect",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "upgrade",
          "via",
          "x-cache",
          "x-forwarded-proto",
          "x-real-ip",
          "x-strata-request-id",
          "x-strata-error");

  private LambdaEdgeEvents() {}

  /** What an origin-request function decided. */
  sealed interface RequestOutcome permits Forward, Generate {}

  /** Send this (possibly changed) request to this origin. */
  record Forward(String pathAndQuery, MultiMap headers, Origin origin) implements RequestOutcome {}

  /** Answer with this response instead of asking the origin. */
  record Generate(int status, String statusDescription, MultiMap headers, Buffer body)
      implements RequestOutcome {}

  /** What an origin-response function decided: a new head, and a new body or null to keep it. */
  record ResponseOutcome(
      int status, String statusDescription, MultiMap headers, Buffer replacedBody) {}

  // ---- events

  static JsonObject config(String host, String distributionId, String eventType, String id) {
    // A domain name, as CloudFront gives it: the viewer's Host without its port.
    String domain = host == null ? "" : host;
    int colon = domain.lastIndexOf(':');
    if (colon > 0 && domain.indexOf(']') < colon && domain.substring(colon + 1).matches("[0-9]+")) {
      domain = domain.substring(0, colon);
    }
    return new JsonObject()
        .put("distributionDomainName", domain)
        .put("distributionId", distributionId)
        .put("eventType", eventType)
        .put("requestId", id == null ? "" : id);
  }

  static JsonObject request(
      String method, String pathAndQuery, MultiMap headers, Origin origin, boolean includeBody) {
    int q = pathAndQuery.indexOf('?');
    JsonObject headersJson = headers(headers);
    headersJson.put("host", entries("Host", List.of(origin.host())));
    String xff = headers.get("X-Forwarded-For");
    String clientIp = xff == null ? "" : xff.split(",", 2)[0].trim();
    JsonObject request =
        new JsonObject()
            .put("clientIp", clientIp)
            .put("headers", headersJson)
            .put("method", method)
            .put("origin", originJson(origin))
            .put("querystring", q < 0 ? "" : pathAndQuery.substring(q + 1))
            .put("uri", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
    if (includeBody) {
      request.put(
          "body",
          new JsonObject()
              .put("action", "read-only")
              .put("data", "")
              .put("encoding", "base64")
              .put("inputTruncated", false));
    }
    return request;
  }

  static JsonObject response(int status, String description, MultiMap headers) {
    return new JsonObject()
        .put("headers", headers(headers))
        .put("status", Integer.toString(status))
        .put("statusDescription", description == null ? "" : description);
  }

  static Buffer event(JsonObject cf) {
    return new JsonObject()
        .put("Records", new JsonArray().add(new JsonObject().put("cf", cf)))
        .toBuffer();
  }

  private static JsonObject originJson(Origin origin) {
    return new JsonObject()
        .put(
            "custom",
            new JsonObject()
                .put("customHeaders", new JsonObject())
                .put("domainName", origin.host())
                .put("keepaliveTimeout", 5)
                .put("path", origin.pathPrefix())
                .put("port", origin.port())
                .put("protocol", origin.scheme())
                .put("readTimeout", Math.max(1, origin.readTimeoutMs() / 1000))
                .put("sslProtocols", new JsonArray().add("TLSv1.2")));
  }

  static JsonObject headers(MultiMap headers) {
    Map<String, JsonArray> byName = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> h : headers) {
      byName
          .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new JsonArray())
          .add(new JsonObject().put("key", h.getKey()).put("value", h.getValue()));
    }
    JsonObject out = new JsonObject();
    byName.forEach(out::put);
    return out;
  }

  private static JsonArray entries(String key, List<String> values) {
    JsonArray list = new JsonArray();
    values.forEach(v -> list.add(new JsonObject().put("key", key).put("value", v)));
    return list;
  }

  // ---- results

  /** The origin-request function's result: a request to forward, or a response. */
  static RequestOutcome requestResult(Buffer payload, String method, MultiMap sent, Origin origin) {
    JsonObject result = object(payload, "origin-request");
    if (result.containsKey("status")) {
      return generated(result, "origin-request");
    }
    if (result.getValue("method") != null && !method.equals(result.getValue("method"))) {
      throw HookFailure.invalid("request.method is read-only (was " + method + ")");
    }
    Object uri = result.getValue("uri");
    if (!(uri instanceof String u) || !u.startsWith("/") || hasBadChars(u, false)) {
      throw HookFailure.invalid(
          "request.uri: " + describe(uri) + " (expected: a path starting with /)");
    }
    Object query = result.getValue("querystring", "");
    if (!(query instanceof String qs) || hasBadChars(qs, true)) {
      throw HookFailure.invalid(
          "request.querystring: " + describe(query) + " (expected: a query without '?')");
    }
    MultiMap headers = headersResult(result.getValue("headers"), "request.headers", sent);
    headers.remove("Host");
    for (String framing : List.of("Content-Length", "Transfer-Encoding")) {
      if (sent.contains(framing)) {
        headers.set(framing, sent.get(framing));
      }
    }
    Origin target = originResult(result.getValue("origin"), origin);
    JsonObject custom =
        result.getValue("origin") instanceof JsonObject o ? o.getJsonObject("custom") : null;
    if (custom != null && custom.getValue("customHeaders") instanceof JsonObject extra) {
      headers.addAll(
          headersResult(
              extra, "request.origin.custom.customHeaders", MultiMap.caseInsensitiveMultiMap()));
    }
    return new Forward(qs.isEmpty() ? (String) uri : uri + "?" + qs, headers, target);
  }

  /** The origin-response function's result. */
  static ResponseOutcome responseResult(Buffer payload, MultiMap received) {
    JsonObject result = object(payload, "origin-response");
    int status = status(result.getValue("status"));
    MultiMap headers = headersResult(result.getValue("headers"), "response.headers", received);
    Buffer body = result.containsKey("body") ? body(result, "response") : null;
    if (body == null) {
      // The origin's body goes on unchanged: its framing headers stay the origin's.
      for (String framing : List.of("Content-Length", "Transfer-Encoding")) {
        if (received.contains(framing)) {
          headers.set(framing, received.get(framing));
        }
      }
    }
    return new ResponseOutcome(
        status, stringOr(result.getValue("statusDescription"), null), headers, body);
  }

  private static Generate generated(JsonObject result, String event) {
    int status = status(result.getValue("status"));
    MultiMap headers =
        headersResult(
            result.getValue("headers", new JsonObject()),
            "response.headers",
            MultiMap.caseInsensitiveMultiMap());
    Buffer body = result.containsKey("body") ? body(result, event) : Buffer.buffer();
    return new Generate(
        status, stringOr(result.getValue("statusDescription"), null), headers, body);
  }

  private static Buffer body(JsonObject result, String event) {
    Object body = result.getValue("body");
    if (body == null) {
      return Buffer.buffer();
    }
    if (!(body instanceof String text)) {
      throw HookFailure.invalid("response.body: " + describe(body) + " (expected: a string)");
    }
    Object encoding = result.getValue("bodyEncoding", "text");
    Buffer out;
    if ("base64".equals(encoding)) {
      try {
        out = Buffer.buffer(Base64.getDecoder().decode(text));
      } catch (IllegalArgumentException e) {
        throw HookFailure.invalid("response.body: not valid base64");
      }
    } else if ("text".equals(encoding)) {
      out = Buffer.buffer(text);
    } else {
      throw HookFailure.invalid(
          "response.bodyEncoding: " + describe(encoding) + " (expected: text or base64)");
    }
    if (out.length() > MAX_GENERATED_BODY) {
      throw HookFailure.invalid(
          "response.body: "
              + out.length()
              + " bytes from the "
              + event
              + " function (expected: at most "
              + MAX_GENERATED_BODY
              + ")");
    }
    return out;
  }

  private static int status(Object value) {
    int status;
    try {
      status =
          value instanceof Number n
              ? n.intValue()
              : value instanceof String s ? Integer.parseInt(s.trim()) : -1;
    } catch (NumberFormatException e) {
      status = -1;
    }
    if (status < 200 || status > 599) {
      throw HookFailure.invalid(
          "response.status: " + describe(value) + " (expected: an HTTP status 200-599)");
    }
    return status;
  }

  private static MultiMap headersResult(Object value, String field, MultiMap before) {
    if (!(value instanceof JsonObject json)) {
      throw HookFailure.invalid(
          field + ": " + describe(value) + " (expected: an object of lower-case header names)");
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, Object> e : json) {
      String name = e.getKey();
      if (!name.equals(name.toLowerCase(Locale.ROOT)) || !isToken(name)) {
        throw HookFailure.invalid(
            field + ": '" + name + "' (expected: a lower-case header name as the key)");
      }
      if (!(e.getValue() instanceof JsonArray list)) {
        throw HookFailure.invalid(
            field + "." + name + ": " + describe(e.getValue()) + " (expected: a list)");
      }
      for (Object item : list) {
        if (!(item instanceof JsonObject kv) || !(kv.getValue("value") instanceof String v)) {
          throw HookFailure.invalid(
              field + "." + name + ": " + describe(item) + " (expected: {key, value} strings)");
        }
        String key = kv.getValue("key") instanceof String k ? k : name;
        if (!key.toLowerCase(Locale.ROOT).equals(name)) {
          throw HookFailure.invalid(
              field + "." + name + ": key '" + key + "' does not match its header name");
        }
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0) {
          throw HookFailure.invalid(field + "." + name + ": a value with a line break or NUL");
        }
        headers.add(key, v);
      }
    }
    for (String name : READ_ONLY) {
      if (!headers.getAll(name).equals(before.getAll(name))) {
        throw HookFailure.invalid(field + "." + name + " is read-only");
      }
    }
    // Framing is Strata's: whatever the function says, the body's own length decides it.
    headers.remove("Content-Length");
    headers.remove("Transfer-Encoding");
    return headers;
  }

  private static Origin originResult(Object value, Origin current) {
    if (value == null) {
      return current;
    }
    if (!(value instanceof JsonObject o) || !(o.getValue("custom") instanceof JsonObject c)) {
      throw HookFailure.invalid(
          "request.origin: "
              + describe(value)
              + " (expected: {custom: {...}}; s3 is not supported)");
    }
    Object domain = c.getValue("domainName", current.host());
    Object protocol = c.getValue("protocol", current.scheme());
    Object port = c.getValue("port", current.port());
    Object path = c.getValue("path", current.pathPrefix());
    if (!(domain instanceof String d)
        || !(protocol instanceof String p)
        || !(port instanceof Number n)
        || !(path instanceof String pp)) {
      throw HookFailure.invalid(
          "request.origin.custom: domainName, protocol, path must be strings and port a number");
    }
    if (d.equals(current.host())
        && p.equals(current.scheme())
        && n.intValue() == current.port()
        && pp.equals(current.pathPrefix())) {
      return current;
    }
    try {
      String host = d.contains(":") && !d.startsWith("[") ? "[" + d + "]" : d;
      return new Origin(
          current.id(),
          java.net.URI.create(p + "://" + host + ":" + n.intValue() + pp),
          current.connectTimeoutMs(),
          current.readTimeoutMs());
    } catch (IllegalArgumentException e) {
      throw HookFailure.invalid("request.origin.custom: " + e.getMessage());
    }
  }

  private static JsonObject object(Buffer payload, String event) {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(payload);
    } catch (RuntimeException e) {
      throw HookFailure.invalid("the " + event + " function returned something other than JSON");
    }
    if (!(value instanceof JsonObject o)) {
      throw HookFailure.invalid(
          "the " + event + " function returned " + describe(value) + " (expected: an object)");
    }
    return o;
  }

  private static boolean hasBadChars(String s, boolean query) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f || c == '#' || (!query && c == '?')) {
        return true;
      }
    }
    return false;
  }

  private static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) || c > 127) {
        return false;
      }
    }
    return true;
  }

  private static String stringOr(Object value, String fallback) {
    return value instanceof String s ? s : fallback;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "missing";
    }
    String text = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
