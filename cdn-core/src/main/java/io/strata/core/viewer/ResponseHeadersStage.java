package io.strata.core.viewer;

import io.strata.core.config.ResponseHeadersPolicy;
import io.strata.core.config.ResponseHeadersPolicy.Cors;
import io.strata.core.config.ResponseHeadersPolicy.CustomHeader;
import io.strata.core.config.ResponseHeadersPolicy.SecurityHeaders;
import io.strata.core.proxy.StrataHeaders;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Applies the behavior's response headers policy to whatever response the viewer gets (hit, miss,
 * pass-through, error page): CORS, security headers, custom and removed headers, {@code
 * Server-Timing}. The headers are set in the response's {@code headersEndHandler}, just before the
 * head is written, so no other stage needs to know about them. A CORS preflight ({@code OPTIONS}
 * with {@code Origin} and {@code Access-Control-Request-Method}) is answered here without going to
 * the origin: 204 for an allowed origin, 403 otherwise.
 *
 * <p>The pipeline holds two instances: the first, at the head of the pipeline, registers the
 * headers (so refusals by later stages carry CORS and security headers too, and scripts can read a
 * 403 or 429); the second, after the restrictions and the rate limit, answers preflights.
 */
final class ResponseHeadersStage implements ViewerStage {
  private final ViewerPipeline.Rejections rejections;
  private final String nodeId;
  private final boolean preflight;

  private ResponseHeadersStage(
      ViewerPipeline.Rejections rejections, String nodeId, boolean preflight) {
    this.rejections = rejections;
    this.nodeId = nodeId;
    this.preflight = preflight;
  }

  /** The stage that sets the policy's headers on whatever response the viewer gets. */
  static ResponseHeadersStage headers(ViewerPipeline.Rejections rejections, String nodeId) {
    return new ResponseHeadersStage(rejections, nodeId, false);
  }

  /** The stage that answers CORS preflights at the edge. */
  static ResponseHeadersStage preflight(ViewerPipeline.Rejections rejections, String nodeId) {
    return new ResponseHeadersStage(rejections, nodeId, true);
  }

  @Override
  public boolean onRequest(ViewerExchange exchange) {
    String id = exchange.route().behavior().viewer().responseHeadersPolicy();
    if (id == null) {
      return false;
    }
    ResponseHeadersPolicy policy = exchange.config().responseHeadersPolicy(id);
    if (policy == null) {
      return false;
    }
    HttpServerRequest request = exchange.request();
    HttpServerResponse response = request.response();
    String origin = request.getHeader("Origin");
    Cors cors = policy.cors();
    String allowedOrigin = cors != null && origin != null && allows(cors, origin) ? origin : null;
    if (!preflight) {
      long startNanos = System.nanoTime();
      boolean timing = timingWanted(policy, request);
      response.headersEndHandler(
          v -> apply(policy, allowedOrigin, response, timing, startNanos, exchange.requestId()));
      return false;
    }
    if (cors != null
        && request.method() == HttpMethod.OPTIONS
        && origin != null
        && request.getHeader("Access-Control-Request-Method") != null) {
      if (allowedOrigin == null) {
        rejections.count("cors_origin");
        exchange.refuse(403, "text/plain; charset=utf-8", "CORS origin not allowed.\n");
        return true;
      }
      MultiMap headers = response.headers();
      headers.set(
          "Access-Control-Allow-Methods",
          cors.allowMethods().contains("ALL")
              ? "GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE"
              : String.join(", ", cors.allowMethods()));
      if (!cors.allowHeaders().isEmpty()) {
        String requested = request.getHeader("Access-Control-Request-Headers");
        headers.set(
            "Access-Control-Allow-Headers",
            cors.allowHeaders().contains("*") && requested != null
                ? requested
                : String.join(", ", cors.allowHeaders()));
      }
      if (cors.maxAgeSec() != null) {
        headers.set("Access-Control-Max-Age", Integer.toString(cors.maxAgeSec()));
      }
      headers.set(StrataHeaders.X_CACHE, "Hit from strata");
      response.setStatusCode(204).end();
      return true;
    }
    return false;
  }

  private static boolean timingWanted(ResponseHeadersPolicy policy, HttpServerRequest request) {
    Double rate = policy.serverTimingSamplingRate();
    if (rate == null) {
      return false;
    }
    String pragma = request.getHeader("Pragma");
    if (pragma != null && pragma.toLowerCase(Locale.ROOT).contains("server-timing")) {
      return true;
    }
    return ThreadLocalRandom.current().nextDouble(100) < rate;
  }

  static boolean allows(Cors cors, String origin) {
    for (String allowed : cors.allowOrigins()) {
      if (allowed.equals("*")
          || allowed.equalsIgnoreCase(origin)
          || (allowed.indexOf('*') >= 0
              && glob(allowed.toLowerCase(Locale.ROOT), origin.toLowerCase(Locale.ROOT)))) {
        return true;
      }
    }
    return false;
  }

  private void apply(
      ResponseHeadersPolicy policy,
      String allowedOrigin,
      HttpServerResponse response,
      boolean timing,
      long startNanos,
      String requestId) {
    MultiMap headers = response.headers();
    Cors cors = policy.cors();
    if (allowedOrigin != null
        && (cors.originOverride() || !headers.contains("Access-Control-Allow-Origin"))) {
      boolean any = cors.allowOrigins().contains("*") && !cors.allowCredentials();
      headers.set("Access-Control-Allow-Origin", any ? "*" : allowedOrigin);
      if (!any) {
        headers.add("Vary", "Origin");
      }
      if (cors.allowCredentials()) {
        headers.set("Access-Control-Allow-Credentials", "true");
      }
      if (!cors.exposeHeaders().isEmpty()) {
        headers.set("Access-Control-Expose-Headers", String.join(", ", cors.exposeHeaders()));
      }
    }
    SecurityHeaders security = policy.securityHeaders();
    if (security != null) {
      put(
          headers,
          "Strict-Transport-Security",
          security.strictTransportSecurity(),
          security.override());
      put(
          headers,
          "X-Content-Type-Options",
          security.contentTypeOptions() ? "nosniff" : null,
          security.override());
      put(headers, "X-Frame-Options", security.frameOptions(), security.override());
      put(headers, "Referrer-Policy", security.referrerPolicy(), security.override());
      put(
          headers,
          "Content-Security-Policy",
          security.contentSecurityPolicy(),
          security.override());
    }
    for (CustomHeader custom : policy.customHeaders()) {
      put(headers, custom.header(), custom.value(), custom.override());
    }
    for (String name : policy.removeHeaders()) {
      headers.remove(name);
    }
    if (timing) {
      String xCache = headers.get(StrataHeaders.X_CACHE);
      String result =
          xCache == null
              ? "cdn-cache-miss"
              : xCache.startsWith("Hit")
                  ? "cdn-cache-hit"
                  : xCache.startsWith("RefreshHit") ? "cdn-cache-refresh" : "cdn-cache-miss";
      long micros = (System.nanoTime() - startNanos) / 1000;
      headers.add(
          "Server-Timing",
          result
              + ",cdn-pop;desc=\""
              + nodeId
              + "\",cdn-rid;desc=\""
              + requestId
              + "\",cdn-downstream-fbl;dur="
              + (micros / 1000)
              + "."
              + String.format(Locale.ROOT, "%03d", micros % 1000));
    }
  }

  private static void put(MultiMap headers, String name, String value, boolean override) {
    if (value != null && (override || !headers.contains(name))) {
      headers.set(name, value);
    }
  }

  private static boolean glob(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
