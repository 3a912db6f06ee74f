/**
 * The cache engine both tiers share: the key, stored objects, the byte-bounded store, the in-flight
 * fills that collapse concurrent misses, and cacheability and freshness — {@link
 * io.strata.core.cache.CacheControl} parses an origin's {@code Cache-Control} and {@link
 * io.strata.core.cache.Freshness} decides, from it, {@code Expires}, {@code Date}, the status and
 * the behavior's TTL bounds, how long a response may be served, following CloudFront's rules.
 *
 * <p>Freshness decisions are pure (the current time is passed in) and never throw on malformed
 * header values. Parameters and return values are non-null unless a method says otherwise.
 */
package io.strata.core.cache;
