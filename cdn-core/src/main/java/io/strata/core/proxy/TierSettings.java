package io.strata.core.proxy;

/**
 * What distinguishes one cache node from another inside the shared proxy.
 *
 * @param role {@code edge} or {@code regional}; tags metrics and logs
 * @param nodeId names this node in {@code Via}; also detects forwarding loops
 * @param maxObjectBytes responses larger than this pass through uncached
 */
public record TierSettings(String role, String nodeId, long maxObjectBytes) {
  public TierSettings {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("role: '" + role + "' (expected: edge or regional)");
    }
    if (nodeId == null || !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "nodeId: '" + nodeId + "' (expected: 1-64 of A-Z a-z 0-9 . _ -)");
    }
    if (maxObjectBytes <= 0) {
      throw new IllegalArgumentException("maxObjectBytes: " + maxObjectBytes + " (expected: > 0)");
    }
  }

  /** This node's {@code Via} entry. */
  public String viaToken() {
    return "1.1 " + nodeId + " (strata)";
  }
}
