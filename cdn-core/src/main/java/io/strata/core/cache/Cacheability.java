package io.strata.core.cache;

import io.strata.core.config.CachePolicy;
import io.strata.core.config.CustomErrorResponse;
import io.strata.core.http.HttpDate;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.OptionalLong;

/**
 * The one place that decides whether an upstream response may be stored and for how long, as a pure
 * function of the behavior's cache policy, the response and {@code now}.
 *
 * <p>The order, after ATS's cache-basics evaluation order and RFC 9111 §3:
 *
 * <ol>
 *   <li>caching disabled by the behavior ({@code maxTtl: 0}) → not stored;
 *   <li>directives come from the first valid targeted field of RFC 9213 for Strata — {@code
 *       Strata-CDN-Cache-Control}, then {@code CDN-Cache-Control} — and then {@code Cache-Control}
 *       and {@code Expires} are ignored; otherwise from {@code Cache-Control};
 *   <li>{@code Vary: *} → not stored (it can never match), nor a {@code Vary} naming more than
 *       {@link Vary#MAX_NAMES} headers or anything but header names;
 *   <li>an error status (400 and above) without {@code no-store}/{@code private} → CloudFront's
 *       error caching ({@link ErrorCaching}): 416 never, 404/414/5xx for {@code
 *       max(errorCachingMinTtl, max-age)}, some others only with an explicit max-age; never served
 *       stale;
 *   <li>a status not cacheable by default without explicit freshness → not stored;
 *   <li>a request that carried {@code Authorization} to the origin → stored only with {@code
 *       public}, {@code s-maxage} or {@code must-revalidate} (§3.5);
 *   <li>{@code no-store} or {@code private} → stored for {@code minTtl} when it is above 0 (as
 *       CloudFront does), otherwise not stored;
 *   <li>{@code no-cache} → stored for {@code minTtl} when it is above 0, otherwise stored but
 *       revalidated before every use (only when it has a validator to revalidate with);
 *   <li>lifetime: {@code s-maxage}, then {@code max-age}, then {@code Expires − Date}, each clamped
 *       to [minTtl, maxTtl]; with none of them, a heuristic of 10 % of {@code Date − Last-Modified}
 *       capped at {@code defaultTtl} (§4.2.2), else {@code defaultTtl}; both then raised to minTtl;
 *   <li>a lifetime of 0 → stored only when a validator ({@code ETag}, {@code Last-Modified}) lets
 *       the next request revalidate it cheaply.
 * </ol>
 */
public final class Cacheability {
  /** RFC 9213 targeted fields Strata obeys, in precedence order. */
  public static final List<String> TARGETED_FIELDS =
      List.of("Strata-CDN-Cache-Control", "CDN-Cache-Control");

  private Cacheability() {}

  /**
   * @param policy the matched behavior's TTL bounds
   * @param status the upstream status
   * @param headers the upstream response headers
   * @param authorizationForwarded whether the request sent upstream carried {@code Authorization}
   * @param nowMillis the time the response arrived
   */
  public static CacheDecision decide(
      CachePolicy policy,
      int status,
      MultiMap headers,
      boolean authorizationForwarded,
      long nowMillis) {
    return decide(policy, status, headers, authorizationForwarded, List.of(), nowMillis);
  }

  /**
   * As {@link #decide(CachePolicy, int, MultiMap, boolean, long)}, with the custom error responses
   * in force: an error status (400 and above) is stored by CloudFront's error-caching rules ({@link
   * ErrorCaching}) rather than by the freshness rules.
   */
  public static CacheDecision decide(
      CachePolicy policy,
      int status,
      MultiMap headers,
      boolean authorizationForwarded,
      List<CustomErrorResponse> errorRules,
      long nowMillis) {
    if (policy.cachingDisabled()) {
      return CacheDecision.notStorable("caching disabled by the behavior");
    }
    CacheControl cc = null;
    boolean targeted = false;
    for (String field : TARGETED_FIELDS) {
      List<String> values = headers.getAll(field);
      if (!values.isEmpty()) {
        CacheControl parsed = CacheControl.parse(values);
        if (parsed.hasAnyDirective()) {
          cc = parsed;
          targeted = true;
          break;
        }
      }
    }
    if (cc == null) {
      cc = CacheControl.parse(headers.getAll("Cache-Control"));
    }
    String expires = targeted ? null : headers.get("Expires");
    List<String> vary = headers.getAll("Vary");
    for (String v : vary) {
      if (Vary.isStar(v)) {
        return CacheDecision.notStorable("Vary: *");
      }
    }
    if (Vary.names(vary) == null) {
      return CacheDecision.notStorable("Vary lists too many or invalid header names");
    }
    if (status >= 400 && !cc.noStore() && !cc.isPrivate()) {
      long originMaxAge = cc.sMaxAge() >= 0 ? cc.sMaxAge() : cc.maxAge();
      long ttl =
          ErrorCaching.ttlSeconds(
              status,
              originMaxAge >= 0 ? OptionalLong.of(originMaxAge) : OptionalLong.empty(),
              errorRules,
              policy.maxTtl());
      return ttl > 0
          ? new CacheDecision(true, ttl, false, 0, 0, true, "")
          : CacheDecision.notStorable("error status " + status + " not cached");
    }
    boolean explicit = cc.hasExplicitLifetime() || (expires != null && !expires.isBlank());
    if (!Freshness.cacheableByDefault(status) && !explicit) {
      return CacheDecision.notStorable("status " + status + " without explicit freshness");
    }
    if (authorizationForwarded && !cc.isPublic() && cc.sMaxAge() < 0 && !cc.mustRevalidate()) {
      return CacheDecision.notStorable(
          "authorized request without public/s-maxage/must-revalidate");
    }
    boolean mustRevalidate = cc.mustRevalidate() || cc.proxyRevalidate() || cc.sMaxAge() >= 0;
    long swr = Math.max(0, cc.staleWhileRevalidate());
    long sie = cc.staleIfError();
    if (cc.noStore() || cc.isPrivate()) {
      return policy.minTtl() > 0
          ? new CacheDecision(true, policy.minTtl(), false, swr, sie, mustRevalidate, "")
          : CacheDecision.notStorable(cc.noStore() ? "no-store" : "private");
    }
    boolean hasValidator = headers.contains("ETag") || headers.contains("Last-Modified");
    if (cc.noCache()) {
      if (policy.minTtl() > 0) {
        return new CacheDecision(true, policy.minTtl(), false, swr, sie, mustRevalidate, "");
      }
      return hasValidator
          ? new CacheDecision(true, 0, true, 0, sie, mustRevalidate, "")
          : CacheDecision.notStorable("no-cache without a validator");
    }
    long lifetime =
        explicit
            ? Freshness.lifetimeSeconds(policy, status, cc, expires, headers.get("Date"), nowMillis)
            : heuristicLifetime(policy, headers, nowMillis);
    if (lifetime <= 0 && !hasValidator) {
      return CacheDecision.notStorable("no freshness lifetime and no validator");
    }
    return new CacheDecision(true, lifetime, false, swr, sie, mustRevalidate, "");
  }

  private static long heuristicLifetime(CachePolicy policy, MultiMap headers, long nowMillis) {
    long lastModified = HttpDate.parseHttpDateMillis(headers.get("Last-Modified"));
    if (lastModified < 0) {
      return policy.clamp(policy.defaultTtl());
    }
    long date = HttpDate.parseHttpDateMillis(headers.get("Date"));
    long base = date >= 0 ? date : nowMillis;
    long tenth = Math.max(0, base - lastModified) / 10_000L;
    return policy.clamp(Math.min(tenth, policy.defaultTtl()));
  }
}
