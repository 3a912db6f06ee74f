package io.strata.core.cache;

import io.vertx.core.MultiMap;

/**
 * The status line and end-to-end headers of an upstream response, with what the cache decided about
 * it when the headers arrived.
 *
 * @param contentLength the declared body length, or -1 when the body is chunked or close-delimited
 * @param correctedInitialAgeMillis RFC 9111 §4.2.3 corrected initial age at {@code
 *     responseTimeMillis}
 * @param lifetimeSeconds how long it may be served from cache; 0 when it must not be stored
 */
public record ResponseHead(
    int status,
    MultiMap headers,
    long contentLength,
    long responseTimeMillis,
    long correctedInitialAgeMillis,
    long lifetimeSeconds) {

  public boolean storable() {
    return lifetimeSeconds > 0 && correctedInitialAgeMillis < lifetimeSeconds * 1000L;
  }

  /** The {@code Age} to show while the response is still streaming through this tier. */
  public long ageSeconds(long nowMillis) {
    return (correctedInitialAgeMillis + Math.max(0, nowMillis - responseTimeMillis)) / 1000;
  }
}
