package io.strata.core.cache;

import io.vertx.core.MultiMap;

/**
 * The status line and end-to-end headers of a response being filled, with what the cache decided
 * about it when the headers arrived.
 *
 * @param contentLength the declared body length, or -1 when chunked or close-delimited
 * @param correctedInitialAgeMillis RFC 9111 §4.2.3 corrected initial age at {@code
 *     responseTimeMillis}
 * @param decision whether and how it may be stored
 * @param upstreamStatus the status the upstream answered: {@code status}, or 304 when this head is
 *     a stored object the upstream just confirmed
 */
public record ResponseHead(
    int status,
    MultiMap headers,
    long contentLength,
    long responseTimeMillis,
    long correctedInitialAgeMillis,
    CacheDecision decision,
    int upstreamStatus) {

  /** A stored object revalidated with a 304, about to be served and stored again. */
  public static ResponseHead refreshed(CachedObject object, long nowMillis) {
    return new ResponseHead(
        object.status(),
        object.headers(),
        object.body().length(),
        nowMillis,
        object.currentAgeMillis(nowMillis),
        object.decision(),
        304);
  }

  public boolean refreshed() {
    return upstreamStatus == 304 && status != 304;
  }

  public boolean storable() {
    return decision.storable();
  }

  public long lifetimeSeconds() {
    return decision.lifetimeSeconds();
  }

  /** The {@code Age} to show while the response is still streaming through this tier. */
  public long ageSeconds(long nowMillis) {
    return (correctedInitialAgeMillis + Math.max(0, nowMillis - responseTimeMillis)) / 1000;
  }
}
