package io.strata.core.viewer;

import io.strata.core.config.ViewerProtocolPolicy;
import io.strata.core.proxy.StrataHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.IntSupplier;

/**
 * CloudFront's viewer protocol policy for plain-HTTP requests: {@code redirect-to-https} answers
 * 301 (GET, HEAD) or 307 (other methods, so the body is re-sent) with {@code X-Cache: Redirect from
 * strata}; {@code https-only} answers 403.
 */
final class ProtocolPolicyStage implements ViewerStage {
  static final String REDIRECT = "Redirect from strata";
  private final ViewerPipeline.Rejections rejections;
  private final IntSupplier httpsPort;

  ProtocolPolicyStage(ViewerPipeline.Rejections rejections, IntSupplier httpsPort) {
    this.rejections = rejections;
    this.httpsPort = httpsPort;
  }

  @Override
  public boolean onRequest(ViewerExchange exchange) {
    HttpServerRequest request = exchange.request();
    if (request.isSSL()) {
      return false;
    }
    ViewerProtocolPolicy policy = exchange.protocolPolicy();
    if (policy == ViewerProtocolPolicy.ALLOW_ALL) {
      return false;
    }
    if (policy == ViewerProtocolPolicy.HTTPS_ONLY) {
      rejections.count("https_only");
      exchange.refuse(
          403, "text/plain; charset=utf-8", "HTTPS is required for this distribution.\n");
      return true;
    }
    rejections.count("redirect_to_https");
    HttpMethod method = request.method();
    int status = method == HttpMethod.GET || method == HttpMethod.HEAD ? 301 : 307;
    int port = httpsPort.getAsInt();
    String host = request.authority().host();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    String location = "https://" + host + (port == 443 ? "" : ":" + port) + request.uri();
    request
        .response()
        .setStatusCode(status)
        .putHeader("Location", location)
        .putHeader(StrataHeaders.X_CACHE, REDIRECT)
        .putHeader("Content-Length", "0")
        .end();
    return true;
  }
}
