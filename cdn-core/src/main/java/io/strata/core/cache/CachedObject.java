package io.strata.core.cache;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One stored response: status, end-to-end headers, the whole body and the times needed for the RFC
 * 9111 §4.2.3 age calculation. Immutable; safe to share between event loops.
 *
 * <p>{@code headers} excludes hop-by-hop headers and those each tier writes for itself ({@code
 * Age}, {@code X-Cache}, {@code X-Strata-Request-Id}); {@code Via} holds the tiers behind this one.
 */
public final class CachedObject {
  /**
   * A fixed estimate of what an entry costs beyond its body and header bytes (object headers, map
   * node).
   */
  static final int ENTRY_OVERHEAD_BYTES = 160;

  private final int status;
  private final MultiMap headers;
  private final Buffer body;
  private final long responseTimeMillis;
  private final long correctedInitialAgeMillis;
  private final long lifetimeMillis;
  private final int weight;

  public CachedObject(
      int status,
      MultiMap headers,
      Buffer body,
      long responseTimeMillis,
      long correctedInitialAgeMillis,
      long lifetimeSeconds) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.responseTimeMillis = responseTimeMillis;
    this.correctedInitialAgeMillis = Math.max(0, correctedInitialAgeMillis);
    this.lifetimeMillis = Math.multiplyExact(lifetimeSeconds, 1000L);
    long headerBytes = 0;
    for (var e : headers) {
      headerBytes += e.getKey().length() + e.getValue().length() + 32;
    }
    this.weight =
        (int) Math.min(Integer.MAX_VALUE, body.length() + headerBytes + ENTRY_OVERHEAD_BYTES);
  }

  public int status() {
    return status;
  }

  public MultiMap headers() {
    return headers;
  }

  public Buffer body() {
    return body;
  }

  /** Bytes this entry is charged against the node's byte budget. */
  public int weight() {
    return weight;
  }

  /** RFC 9111 §4.2.3 {@code current_age} in milliseconds at {@code nowMillis}. */
  public long currentAgeMillis(long nowMillis) {
    return correctedInitialAgeMillis + Math.max(0, nowMillis - responseTimeMillis);
  }

  /** The {@code Age} header value: whole seconds since the origin produced or last validated it. */
  public long ageSeconds(long nowMillis) {
    return currentAgeMillis(nowMillis) / 1000;
  }

  public boolean isFresh(long nowMillis) {
    return lifetimeMillis > currentAgeMillis(nowMillis);
  }

  /** Milliseconds from {@code nowMillis} until this entry turns stale (0 when already stale). */
  public long remainingFreshMillis(long nowMillis) {
    return Math.max(0, lifetimeMillis - currentAgeMillis(nowMillis));
  }

  /**
   * The RFC 9111 §4.2.3 corrected initial age of a response received at {@code responseTimeMillis}
   * for a request sent at {@code requestTimeMillis}.
   *
   * @param ageHeaderSeconds the upstream {@code Age} value, or -1 when absent or invalid
   * @param dateMillis the upstream {@code Date} value, or -1 when absent or invalid
   */
  public static long correctedInitialAgeMillis(
      long requestTimeMillis, long responseTimeMillis, long ageHeaderSeconds, long dateMillis) {
    long apparentAge = dateMillis < 0 ? 0 : Math.max(0, responseTimeMillis - dateMillis);
    long responseDelay = Math.max(0, responseTimeMillis - requestTimeMillis);
    long correctedAgeValue = Math.max(0, ageHeaderSeconds) * 1000L + responseDelay;
    return Math.max(apparentAge, correctedAgeValue);
  }
}
