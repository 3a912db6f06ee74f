package io.strata.core.server.netty;

import io.strata.core.server.ConnectionLimits;
import java.net.InetAddress;

/**
 * What the connection handlers of one viewer listener ask of the node: its limits, admission of a
 * new connection, and counting of refusals. Called on event-loop threads; implementations are
 * thread-safe and never block.
 */
public interface ConnectionPolicy {
  ConnectionLimits limits();

  /**
   * Admits a new connection from {@code address}, counting it as open.
   *
   * @return {@code null} when admitted, else the metric reason of the refusal (nothing is counted
   *     as open then)
   */
  String admit(InetAddress address);

  /** The end of an admitted connection. */
  void release(InetAddress address);

  /** Counts a refusal by metric reason. */
  void reject(String reason);

  /** What answers plain cache hits below the HTTP server, or {@code null} for nothing. */
  default HitFastPath hitFastPath() {
    return null;
  }
}
