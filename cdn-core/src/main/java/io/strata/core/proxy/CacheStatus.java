package io.strata.core.proxy;

/**
 * This tier's member of the RFC 9211 {@code Cache-Status} list, appended after the members of the
 * tiers behind it, so an operator can read what each tier did (edge last).
 */
final class CacheStatus {
  static final String HEADER = "Cache-Status";

  private CacheStatus() {}

  /** Served from the store without going upstream. */
  static String hit(String nodeId, long ttlSeconds, String detail) {
    return nodeId + "; hit; ttl=" + ttlSeconds + (detail == null ? "" : "; detail=" + detail);
  }

  /**
   * Went upstream.
   *
   * @param fwd why: {@code uri-miss}, {@code vary-miss}, {@code stale}, {@code method}, {@code
   *     bypass}, {@code request}
   * @param ttlSeconds remaining freshness of what was stored, or null when nothing was stored
   */
  static String forward(
      String nodeId,
      String fwd,
      int fwdStatus,
      boolean stored,
      boolean collapsed,
      Long ttlSeconds,
      String detail) {
    StringBuilder sb = new StringBuilder(nodeId).append("; fwd=").append(fwd);
    if (fwdStatus > 0) {
      sb.append("; fwd-status=").append(fwdStatus);
    }
    if (stored) {
      sb.append("; stored");
    }
    if (collapsed) {
      sb.append("; collapsed");
    }
    if (ttlSeconds != null) {
      sb.append("; ttl=").append(ttlSeconds);
    }
    if (detail != null) {
      sb.append("; detail=").append(detail);
    }
    return sb.toString();
  }

  /** {@code upstream} (the tiers behind, may be null) followed by this tier's member. */
  static String append(String upstream, String member) {
    return upstream == null || upstream.isBlank() ? member : upstream + ", " + member;
  }
}
