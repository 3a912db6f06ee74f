package io.strata.core.cache;

/**
 * What the cache may do with one upstream response, decided once when its head arrives.
 *
 * @param storable whether it may be stored at all
 * @param lifetimeSeconds its freshness lifetime (RFC 9111 §4.2.1, clamped by the behavior's TTLs)
 * @param revalidateAlways {@code no-cache}: stored, but validated with the origin before every use
 * @param staleWhileRevalidateSeconds RFC 5861 window, 0 when absent
 * @param staleIfErrorSeconds RFC 5861 window; -1 when absent (then CloudFront's error rule
 *     applies), 0 when the origin forbids serving it stale on error
 * @param mustRevalidate {@code must-revalidate}, {@code proxy-revalidate} or {@code s-maxage} (RFC
 *     9111 §5.2.2.10): never served stale, for any reason
 * @param reason why it is not storable, for logs and {@code Cache-Status}; empty when storable
 */
public record CacheDecision(
    boolean storable,
    long lifetimeSeconds,
    boolean revalidateAlways,
    long staleWhileRevalidateSeconds,
    long staleIfErrorSeconds,
    boolean mustRevalidate,
    String reason) {

  static CacheDecision notStorable(String reason) {
    return new CacheDecision(false, 0, false, 0, 0, true, reason);
  }
}
