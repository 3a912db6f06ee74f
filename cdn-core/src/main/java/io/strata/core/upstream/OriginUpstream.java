package io.strata.core.upstream;

import io.strata.core.config.Origin;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Sends requests to the origin of the matched behavior: target {@code origin.url} plus the path,
 * {@code Host} set to the origin's host (as CloudFront does by default), the origin's connect and
 * read timeouts. A retryable request is tried twice in all.
 */
public final class OriginUpstream implements Upstream {
  private final HttpClient client;

  public OriginUpstream(HttpClient client) {
    this.client = client;
  }

  @Override
  public Future<HttpClientResponse> send(UpstreamRequest request) {
    Future<HttpClientResponse> first = attempt(request);
    return request.retryable() ? first.recover(err -> attempt(request)) : first;
  }

  private Future<HttpClientResponse> attempt(UpstreamRequest request) {
    Origin origin = request.route().origin();
    RequestOptions options =
        new RequestOptions()
            .setMethod(request.method())
            .setServer(SocketAddress.inetSocketAddress(origin.port(), origin.host()))
            .setHost(origin.host())
            .setPort(origin.port())
            .setSsl(origin.tls())
            .setURI(origin.pathPrefix() + request.pathAndQuery())
            .setConnectTimeout(origin.connectTimeoutMs())
            .setIdleTimeout(origin.readTimeoutMs())
            .setHeaders(request.headers());
    return client.request(options).compose(request::sendOn);
  }
}
