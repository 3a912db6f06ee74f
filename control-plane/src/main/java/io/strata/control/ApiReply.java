package io.strata.control;

import io.vertx.core.json.JsonObject;

/** What a handler answers: status, JSON body (or none), and the ETag to send, if any. */
record ApiReply(int status, Object body, String etag) {
  static ApiReply ok(JsonObject body) {
    return new ApiReply(200, body, null);
  }

  static ApiReply of(int status, JsonObject body, String etag) {
    return new ApiReply(status, body, etag);
  }

  static ApiReply noContent() {
    return new ApiReply(204, null, null);
  }
}
