package io.strata.core.upstream;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;

/**
 * The next tier: the origin, or a regional cache node. Must be called on a Vert.x event-loop
 * context; the response (and its handlers) run on that context. An implementation retries a {@link
 * UpstreamRequest#retryable()} request at most once, and only when no response arrived.
 */
@FunctionalInterface
public interface Upstream {
  Future<HttpClientResponse> send(UpstreamRequest request);

  /** Stops background work (health checks) when the node that owns this upstream closes. */
  default void close() {}
}
