package io.strata.control;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** A matched admin API call: the request, its path parameters, its caller and its body. */
record ApiCall(
    HttpServerRequest request, Map<String, String> params, Tokens.TokenInfo caller, Buffer body) {

  String param(String name) {
    return params.get(name);
  }

  String query(String name) {
    return request.getParam(name);
  }

  /** The actor recorded in the audit log. */
  String actor() {
    return caller == null ? "anonymous" : "token:" + caller.id();
  }

  /** The body as a JSON object, or a 400 naming what is wrong with it. */
  JsonObject json() {
    if (body == null || body.length() == 0) {
      throw ApiError.invalid(
          List.of(new ApiError.Problem("(body)", "empty (expected: a JSON object)")));
    }
    String type = request.getHeader("Content-Type");
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).contains("yaml")) {
      return yaml();
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(body);
      if (value instanceof JsonObject o) {
        return o;
      }
      throw ApiError.invalid(
          List.of(new ApiError.Problem("(body)", "not an object (expected: a JSON object)")));
    } catch (DecodeException e) {
      throw ApiError.invalid(
          List.of(new ApiError.Problem("(body)", "invalid JSON (" + e.getMessage() + ")")));
    }
  }

  /** A YAML body (accepted on input as well as JSON), as a JSON object. */
  private JsonObject yaml() {
    try {
      Object value =
          new com.fasterxml.jackson.databind.ObjectMapper(
                  new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
              .readValue(body.getBytes(), Object.class);
      if (value instanceof java.util.Map<?, ?>) {
        return new JsonObject(io.vertx.core.json.Json.encode(value));
      }
      throw ApiError.invalid(
          List.of(new ApiError.Problem("(body)", "not a mapping (expected: a YAML mapping)")));
    } catch (java.io.IOException e) {
      throw ApiError.invalid(
          List.of(
              new ApiError.Problem(
                  "(body)",
                  "invalid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")")));
    }
  }

  /** A paging limit from {@code ?limit=}, 1..1000, default 100. */
  int limit() {
    String s = query("limit");
    if (s == null) {
      return 100;
    }
    try {
      int n = Integer.parseInt(s);
      if (n >= 1 && n <= 1000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.invalid(
        List.of(new ApiError.Problem("limit", "'" + s + "' (expected: 1..1000)")));
  }
}
