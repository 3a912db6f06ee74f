package io.strata.core.viewer;

import io.strata.core.config.CustomErrorResponse;
import io.strata.core.http.Hop;
import io.strata.core.proxy.ErrorResponses;
import io.strata.core.proxy.StrataHeaders;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Custom error responses. When a response status has a configured error page, the page is requested
 * from this very edge (on loopback, with the viewer's {@code Host}), so it is routed by the
 * behaviors, cached like any object, and fetched through every tier; the viewer gets the page with
 * the configured {@code responseCode}. If the page cannot be fetched, the viewer gets the status of
 * that failure. The internal request carries a per-process secret so it skips the viewer checks and
 * is never mapped again.
 */
public final class ErrorPages {
  private static final System.Logger LOG = System.getLogger(ErrorPages.class.getName());
  static final String INTERNAL_HEADER = "X-Strata-Error-Page";

  private final HttpClient client;
  private final byte[] token;
  private final String tokenText;
  private volatile int port = -1;
  private volatile String host = "127.0.0.1";

  public ErrorPages(HttpClient client) {
    this.client = client;
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    this.tokenText = HexFormat.of().formatHex(random);
    this.token = tokenText.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Pages are fetched from the node's own plain-HTTP listener, once it listens.
   *
   * @param bindHost the address the listener binds; a wildcard address is reached on loopback
   */
  public void bind(String bindHost, int port) {
    String h = bindHost;
    if (h.equals("0.0.0.0")) {
      h = "127.0.0.1";
    } else if (h.equals("::") || h.equals("[::]") || h.equals("0:0:0:0:0:0:0:0")) {
      h = "::1";
    }
    this.host = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    this.port = port;
  }

  /** True for the node's own error-page requests (compared in constant time). */
  boolean isInternal(HttpServerRequest request) {
    String value = request.getHeader(INTERNAL_HEADER);
    return value != null && MessageDigest.isEqual(token, value.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Serves the error page for {@code status} if one is configured.
   *
   * @return {@code true} if the response is now this method's to finish
   */
  boolean serve(ViewerExchange exchange, int status) {
    HttpServerRequest request = exchange.request();
    HttpServerResponse response = request.response();
    if (port < 0 || response.headWritten() || exchange.isInternal()) {
      return false;
    }
    CustomErrorResponse rule = find(exchange.customErrorResponses(), status);
    if (rule == null || rule.responsePagePath() == null) {
      return false;
    }
    int responseCode = rule.responseCode();
    boolean headOnly = request.method() == HttpMethod.HEAD;
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, host))
            .setHost(request.authority().host())
            .setPort(port)
            .setURI(rule.responsePagePath())
            .putHeader("Host", request.authority().toString())
            .putHeader(INTERNAL_HEADER, tokenText);
    client
        .request(options)
        .compose(
            pageRequest ->
                pageRequest
                    .send()
                    .compose(
                        page -> {
                          boolean fetched = page.statusCode() < 400;
                          response.setStatusCode(fetched ? responseCode : page.statusCode());
                          Hop.copyEndToEnd(
                              page.headers(),
                              response.headers(),
                              name ->
                                  name.equalsIgnoreCase(StrataHeaders.REQUEST_ID)
                                      || name.equalsIgnoreCase(StrataHeaders.AGE));
                          response.headers().set(StrataHeaders.X_CACHE, StrataHeaders.ERROR);
                          if (headOnly) {
                            return response.end();
                          }
                          if (!response.headers().contains("Content-Length")) {
                            response.setChunked(true);
                          }
                          return page.pipe().to(response);
                        }))
        .onFailure(
            err -> {
              LOG.log(
                  System.Logger.Level.WARNING,
                  "{0}: error page {1} for {2} could not be fetched: {3}",
                  exchange.requestId(),
                  rule.responsePagePath(),
                  status,
                  String.valueOf(err.getMessage()));
              ErrorResponses.send(
                  response, 502, "Bad Gateway", "The error page could not be fetched.");
            });
    return true;
  }

  private static CustomErrorResponse find(List<CustomErrorResponse> rules, int status) {
    for (CustomErrorResponse rule : rules) {
      if (rule.errorCode() == status) {
        return rule;
      }
    }
    return null;
  }
}
