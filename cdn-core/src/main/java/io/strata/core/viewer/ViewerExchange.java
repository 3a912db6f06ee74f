package io.strata.core.viewer;

import io.strata.core.config.CustomErrorResponse;
import io.strata.core.config.StrataConfig;
import io.strata.core.config.ViewerProtocolPolicy;
import io.strata.core.net.Cidr;
import io.strata.core.proxy.StrataHeaders;
import io.strata.core.routing.Route;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * One viewer request as the pipeline sees it: the request, its route, the configuration snapshot it
 * was routed with, and what stages decide for the rest of the request path (the URI forwarded
 * upstream when the request passes through). Confined to the request's event loop.
 */
public final class ViewerExchange {
  private static final System.Logger LOG = System.getLogger(ViewerExchange.class.getName());
  private final HttpServerRequest request;
  private final Route route;
  private final StrataConfig config;
  private final String requestId;
  private final ErrorPages errorPages;
  private final String path;
  private String forwardUri;
  private byte[] clientAddress;
  private boolean internal;

  ViewerExchange(
      HttpServerRequest request,
      Route route,
      StrataConfig config,
      String requestId,
      ErrorPages errorPages,
      String path) {
    this.request = request;
    this.route = route;
    this.config = config;
    this.requestId = requestId;
    this.errorPages = errorPages;
    this.path = path;
    // The canonical path goes upstream, never the raw one (see PathNormalizer), and never an
    // absolute-form target; the viewer's own URI is reused only when it is exactly that.
    String uri = request.uri();
    String query = request.query();
    this.forwardUri =
        path.equals(request.path()) && uri.startsWith("/")
            ? uri
            : query == null ? path : path + "?" + query;
  }

  /** The canonical request path: what the behavior was matched with and what goes upstream. */
  public String path() {
    return path;
  }

  public HttpServerRequest request() {
    return request;
  }

  public Route route() {
    return route;
  }

  public StrataConfig config() {
    return config;
  }

  public String requestId() {
    return requestId;
  }

  /** {@code https} on the TLS listener, {@code http} otherwise. */
  public String scheme() {
    return request.isSSL() ? "https" : "http";
  }

  /** The viewer's address bytes (4 or 16), or {@code null} if unknown. */
  public byte[] clientAddress() {
    if (clientAddress == null) {
      SocketAddress remote = request.remoteAddress();
      clientAddress = remote == null ? null : Cidr.literal(remote.hostAddress());
    }
    return clientAddress;
  }

  /** The behavior's protocol policy, or the distribution's when the behavior sets none. */
  public ViewerProtocolPolicy protocolPolicy() {
    ViewerProtocolPolicy own = route.behavior().viewer().viewerProtocolPolicy();
    return own != null ? own : route.distribution().edge().viewerProtocolPolicy();
  }

  /** The error responses in force: the behavior's override, else the distribution's. */
  public List<CustomErrorResponse> customErrorResponses() {
    return route.customErrorResponses();
  }

  /** True for the node's own error-page request, which is never checked or mapped again. */
  boolean isInternal() {
    return internal;
  }

  void markInternal() {
    internal = true;
  }

  /** The request URI sent upstream when the request passes through uncached. */
  public String forwardUri() {
    return forwardUri;
  }

  void forwardUri(String uri) {
    this.forwardUri = uri;
  }

  /**
   * Refuses the request with a status Strata generates itself. A custom error response for the
   * status, if configured, replaces the body (and the status, if it says so).
   */
  public void refuse(int status, String contentType, String body) {
    // Refusals can come in floods (scans, expired links): debug level, counted in metrics anyway.
    LOG.log(
        System.Logger.Level.DEBUG,
        "{0}: {1} {2} refused with {3}",
        requestId,
        request.method(),
        request.path(),
        status);
    if (errorPages != null && errorPages.serve(this, status)) {
      return;
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "no-store")
        .putHeader(StrataHeaders.X_CACHE, StrataHeaders.ERROR)
        .end(body);
  }
}
