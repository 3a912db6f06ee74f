package io.strata.core.server;

/**
 * Connection-level limits of a viewer listener, enforced below the HTTP server, from TCP accept on:
 * they hold before any request has been routed, so they are per node rather than per distribution.
 *
 * @param maxConnections open viewer connections allowed, HTTP and HTTPS together; counted at TCP
 *     accept
 * @param maxConnectionsPerIp open connections allowed from one client address; 0 for no per-address
 *     cap (the default: carrier NAT puts many viewers behind one address)
 * @param requestHeadTimeoutMillis how long a request head may take: from accept for the first
 *     request of a connection, from its first byte for the following ones; then 408 and close
 * @param writeStallTimeoutMillis how long a viewer may leave a response unread (the connection's
 *     write buffer full) before the connection is closed
 * @param maxHeaders header (and trailer) lines allowed in one request; more → 431
 * @param http2MaxConcurrentStreams HTTP/2 streams a viewer may have open at once
 * @param http2MaxHeaderListSize decoded HTTP/2 header list size allowed (HPACK and CONTINUATION
 *     included)
 * @param http2MaxResetsPerWindow stream resets a viewer may cause per window before the connection
 *     is closed with GOAWAY (rapid reset)
 * @param http2ResetWindowSeconds that window
 */
public record ConnectionLimits(
    int maxConnections,
    int maxConnectionsPerIp,
    long requestHeadTimeoutMillis,
    long writeStallTimeoutMillis,
    int maxHeaders,
    int http2MaxConcurrentStreams,
    int http2MaxHeaderListSize,
    int http2MaxResetsPerWindow,
    int http2ResetWindowSeconds) {
  /** CloudFront-scale default for one node; the operating system's file limit comes first. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  public static final ConnectionLimits DEFAULT =
      new ConnectionLimits(DEFAULT_MAX_CONNECTIONS, 0, 10_000, 30_000, 100, 100, 20_480, 200, 30);

  public ConnectionLimits {
    atLeast("maxConnections", maxConnections, 1);
    atLeast("maxConnectionsPerIp", maxConnectionsPerIp, 0);
    atLeast("requestHeadTimeoutMillis", requestHeadTimeoutMillis, 1);
    atLeast("writeStallTimeoutMillis", writeStallTimeoutMillis, 1);
    if (maxHeaders < 1 || maxHeaders > 10_000) {
      throw new IllegalArgumentException("maxHeaders: " + maxHeaders + " (expected: 1..10000)");
    }
    atLeast("http2MaxConcurrentStreams", http2MaxConcurrentStreams, 1);
    atLeast("http2MaxHeaderListSize", http2MaxHeaderListSize, 1024);
    atLeast("http2MaxResetsPerWindow", http2MaxResetsPerWindow, 1);
    atLeast("http2ResetWindowSeconds", http2ResetWindowSeconds, 1);
  }

  private static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: >= " + min + ")");
    }
  }

  public ConnectionLimits withMaxConnections(int max, int perIp) {
    return new ConnectionLimits(
        max,
        perIp,
        requestHeadTimeoutMillis,
        writeStallTimeoutMillis,
        maxHeaders,
        http2MaxConcurrentStreams,
        http2MaxHeaderListSize,
        http2MaxResetsPerWindow,
        http2ResetWindowSeconds);
  }

  public ConnectionLimits withTimeouts(long requestHeadMillis, long writeStallMillis) {
    return new ConnectionLimits(
        maxConnections,
        maxConnectionsPerIp,
        requestHeadMillis,
        writeStallMillis,
        maxHeaders,
        http2MaxConcurrentStreams,
        http2MaxHeaderListSize,
        http2MaxResetsPerWindow,
        http2ResetWindowSeconds);
  }
}
