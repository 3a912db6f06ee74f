package io.strata.core.viewer;

import io.strata.core.config.RequestLimits;
import io.vertx.core.http.HttpServerRequest;

/**
 * The distribution's request limits: a request target longer than {@code maxUrlLength} gets 414, a
 * declared body larger than {@code maxBodyBytes} gets 413 before any of it is read or forwarded.
 */
final class RequestLimitStage implements ViewerStage {
  private final ViewerPipeline.Rejections rejections;

  RequestLimitStage(ViewerPipeline.Rejections rejections) {
    this.rejections = rejections;
  }

  @Override
  public boolean onRequest(ViewerExchange exchange) {
    RequestLimits limits = exchange.route().distribution().edge().requestLimits();
    HttpServerRequest request = exchange.request();
    if (request.uri().length() > limits.maxUrlLength()) {
      rejections.count("url_too_long");
      exchange.refuse(414, "text/plain; charset=utf-8", "The URL is too long.\n");
      return true;
    }
    String length = request.getHeader("Content-Length");
    if (length != null && tooLarge(length, limits.maxBodyBytes())) {
      rejections.count("body_too_large");
      // The body will not be read: close after answering rather than drain it.
      request.response().putHeader("Connection", "close");
      exchange.refuse(413, "text/plain; charset=utf-8", "The request body is too large.\n");
      return true;
    }
    return false;
  }

  private static boolean tooLarge(String length, long max) {
    try {
      return Long.parseLong(length.strip()) > max;
    } catch (NumberFormatException e) {
      // Vert.x rejects a malformed Content-Length before the handler runs; be safe anyway.
      return true;
    }
  }
}
