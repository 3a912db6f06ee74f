package io.strata.core.upstream;

import io.strata.core.routing.Route;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;

/**
 * A request for the next tier, as the viewer addressed it; each {@link Upstream} rewrites the
 * target and {@code Host} for the hop it makes.
 *
 * @param viewerHost the viewer's {@code Host} header, forwarded between Strata tiers
 * @param pathAndQuery the path (and query, when forwarded) as received
 * @param headers end-to-end headers to send, without {@code Host}
 * @param body the request body to stream, or null for none; a request with a body is never retried
 * @param affinity what picks the regional node (the cache key's hash input)
 */
public record UpstreamRequest(
    Route route,
    HttpMethod method,
    String viewerHost,
    String pathAndQuery,
    MultiMap headers,
    ReadStream<Buffer> body,
    String affinity) {

  /** Safe to send again after a failure that happened before any response arrived. */
  public boolean retryable() {
    return body == null
        && (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS);
  }

  /**
   * Sends this request on {@code req}: with its body streamed, when it has one. A body that fails
   * part-way (the viewer went away, or it passed a size limit) resets the upstream request instead
   * of ending it, so the next tier never takes a truncated body for a whole one.
   */
  public io.vertx.core.Future<io.vertx.core.http.HttpClientResponse> sendOn(
      io.vertx.core.http.HttpClientRequest req) {
    if (body == null) {
      return req.send();
    }
    if (!req.headers().contains("Content-Length")) {
      req.setChunked(true);
    }
    body.pipe().endOnFailure(false).to(req).onFailure(err -> req.reset(0, err));
    return req.response();
  }
}
