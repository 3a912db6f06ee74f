package io.strata.core.proxy;

import io.vertx.core.http.HttpServerResponse;

/**
 * The short bodies Strata answers with when it generates a response itself. One place, so every
 * generated error looks alike: a status, {@code X-Cache: Error from strata}, a small HTML page.
 */
public final class ErrorResponses {
  private ErrorResponses() {}

  public static void send(HttpServerResponse response, int status, String title, String detail) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    String body =
        "<!DOCTYPE html><html><head><title>"
            + status
            + " "
            + title
            + "</title></head><body><h1>"
            + status
            + " "
            + title
            + "</h1><p>"
            + detail
            + "</p><hr><p>strata</p></body></html>\n";
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader(StrataHeaders.X_CACHE, StrataHeaders.ERROR)
        .end(body);
  }
}
