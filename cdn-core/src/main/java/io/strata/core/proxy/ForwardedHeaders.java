package io.strata.core.proxy;

import io.strata.core.http.Hop;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/** Builds the headers a tier sends upstream: one place decides what leaves the node. */
final class ForwardedHeaders {
  private final String viaToken;
  private final boolean edge;

  /**
   * @param edge whether this tier faces viewers: then a viewer's own {@code X-Forwarded-For} is not
   *     carried into cached fetches (see {@link #forCachedFetch})
   */
  ForwardedHeaders(String viaToken, boolean edge) {
    this.viaToken = viaToken;
    this.edge = edge;
  }

  /**
   * For a cacheable request only what the cache key holds may reach the next tier, or viewers that
   * share a key could be served a response shaped by another viewer's headers. So nothing of the
   * viewer's is copied but the normalised {@code Accept-Encoding} of the key ({@code identity} when
   * the behavior does not compress), as CloudFront sends it. At the edge, {@code X-Forwarded-For}
   * is only the connecting address: a viewer's own value is free text that an origin reflecting it
   * would store for everyone sharing the key (a regional node keeps the edge's value, which the
   * edge made).
   */
  MultiMap forCachedFetch(HttpServerRequest request, String requestId, String acceptEncoding) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.add("Accept-Encoding", acceptEncoding.isEmpty() ? "identity" : acceptEncoding);
    headers.add("User-Agent", "Strata");
    addCommon(headers, request, requestId, !edge);
    return headers;
  }

  /** For a pass-through request: every end-to-end header of the viewer's, less {@code Host}. */
  MultiMap forPassThrough(HttpServerRequest request, String requestId) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Hop.copyEndToEnd(
        request.headers(),
        headers,
        name ->
            name.equalsIgnoreCase("host")
                || name.equalsIgnoreCase(StrataHeaders.VIA)
                || name.equalsIgnoreCase(StrataHeaders.X_FORWARDED_FOR)
                || name.equalsIgnoreCase(StrataHeaders.REQUEST_ID));
    addCommon(headers, request, requestId, true);
    return headers;
  }

  private void addCommon(
      MultiMap headers, HttpServerRequest request, String requestId, boolean keepIncomingXff) {
    String via = request.getHeader(StrataHeaders.VIA);
    headers.add(StrataHeaders.VIA, via == null ? viaToken : via + ", " + viaToken);
    SocketAddress remote = request.remoteAddress();
    String client = remote == null ? null : remote.hostAddress();
    String xff = keepIncomingXff ? request.getHeader(StrataHeaders.X_FORWARDED_FOR) : null;
    if (client != null) {
      headers.add(StrataHeaders.X_FORWARDED_FOR, xff == null ? client : xff + ", " + client);
    } else if (xff != null) {
      headers.add(StrataHeaders.X_FORWARDED_FOR, xff);
    }
    headers.add(StrataHeaders.REQUEST_ID, requestId);
  }
}
