package io.strata.core.proxy;

import io.vertx.core.http.HttpServerResponse;

/**
 * The short bodies Strata answers with when it generates a response itself. One place, so every
 * generated error looks alike: a status, {@code X-Cache: Error from strata}, a small HTML page.
 */
public final class ErrorResponses {
  private ErrorResponses() {}

  /**
   * Answers for an upstream exchange that failed before a response: 502, 504, or 503 with {@code
   * Retry-After} when admission control shed the request.
   */
  public static void sendFailure(
      HttpServerResponse response, io.strata.core.upstream.UpstreamFailure failure) {
    if (failure == io.strata.core.upstream.UpstreamFailure.OVERLOADED) {
      if (!response.headWritten()) {
        response.putHeader(
            "Retry-After",
            String.valueOf(io.strata.core.upstream.AdmissionControl.RETRY_AFTER_SECONDS));
      }
      send(response, 503, failure.title(), "The origin is overloaded; try again shortly.");
      return;
    }
    send(
        response,
        failure.status(),
        failure.title(),
        "The origin could not be reached or did not answer in time.");
  }

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
