package io.strata.core.upstream;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/** How a node's HTTP clients towards the next tier (regional nodes, origins) are configured. */
public final class UpstreamClientOptions {
  /**
   * The largest body piece the HTTP/1.1 decoder hands on at once. Vert.x's default (8 KiB) cut a 64
   * KiB response into nine pieces, each a buffer, a handler call and a wake-up of every viewer
   * waiting on the fill (200 in a flash crowd); now a piece is what one socket read returned. What
   * it bought is small: the edge's time from the fill's first byte to its first viewer write went
   * from a median 292-315 to 285-292 microseconds (docs/benchmarks.md).
   */
  static final int MAX_CHUNK_BYTES = 64 * 1024;

  private UpstreamClientOptions() {}

  /** Keep-alive HTTP/1.1 with Nagle off; idle connections closed after {@code keepAliveSeconds}. */
  public static HttpClientOptions http1(int keepAliveSeconds) {
    return new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setKeepAliveTimeout(keepAliveSeconds)
        .setMaxChunkSize(MAX_CHUNK_BYTES);
  }

  /** Up to 256 HTTP/1.1 connections per upstream host: a flash crowd's misses fan out. */
  public static PoolOptions pool() {
    return new PoolOptions().setHttp1MaxSize(256);
  }
}
