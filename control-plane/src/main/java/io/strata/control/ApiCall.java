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
