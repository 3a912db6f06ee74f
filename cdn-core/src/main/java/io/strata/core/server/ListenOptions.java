package io.strata.core.server;

/**
 * Where and how a node listens.
 *
 * @param host the bind address (loopback by default)
 * @param port the TCP port; 0 picks a free one
 * @param eventLoops how many event loops serve the port (one server instance each)
 */
public record ListenOptions(String host, int port, int eventLoops) {
  public ListenOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: '" + host + "' (expected: an address to bind)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
    }
  }

  public static ListenOptions loopback(int port) {
    return new ListenOptions(
        "127.0.0.1", port, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }
}
