package io.strata.control;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One operation of the admin API: method, path template ({@code /v1/distributions/{id}}), who may
 * call it, and its handler. The list of routes is the single source the OpenAPI test checks against
 * {@code openapi.json}.
 */
record ApiRoute(HttpMethod method, String template, Access access, Handler handler) {

  /** Who may call a route. */
  enum Access {
    /** Anyone, without a token. */
    PUBLIC,
    /** Admin and read-only tokens. */
    READ,
    /** Admin tokens only. */
    WRITE,
    /** Node and admin tokens. */
    NODE
  }

  /** Handles a matched call; runs on the event loop and must not block. */
  @FunctionalInterface
  interface Handler {
    Future<ApiReply> handle(ApiCall call);
  }

  /** The path parameters if {@code path} matches the template, else null. */
  Map<String, String> match(List<String> segments) {
    String[] parts = template.substring(1).split("/");
    if (parts.length != segments.size()) {
      return null;
    }
    Map<String, String> params = null;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.startsWith("{") && p.endsWith("}")) {
        if (params == null) {
          params = new HashMap<>(2);
        }
        params.put(p.substring(1, p.length() - 1), segments.get(i));
      } else if (!p.equals(segments.get(i))) {
        return null;
      }
    }
    return params == null ? Map.of() : params;
  }
}
