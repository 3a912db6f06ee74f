package io.strata.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CloudFront's response headers policy: CORS (with preflight answered at the edge), security
 * headers, custom headers, removed headers and {@code Server-Timing}. Behaviors name a policy by
 * id. Every header rule has CloudFront's {@code override} flag: when {@code false}, a header the
 * origin already sent is kept.
 *
 * @param id the policy id
 * @param cors CORS settings, or {@code null}
 * @param securityHeaders security headers, or {@code null}
 * @param customHeaders headers added to every response
 * @param removeHeaders headers removed from every response (not the ones CloudFront protects)
 * @param serverTimingSamplingRate percent of responses (0–100) that carry {@code Server-Timing};
 *     {@code null} when disabled. A request with {@code Pragma: server-timing} always gets it
 */
public record ResponseHeadersPolicy(
    String id,
    Cors cors,
    SecurityHeaders securityHeaders,
    List<CustomHeader> customHeaders,
    List<String> removeHeaders,
    Double serverTimingSamplingRate) {

  /** Headers a policy may not remove, as in CloudFront: the connection would break. */
  static final Set<String> PROTECTED =
      Set.of(
          "connection",
          "content-encoding",
          "content-length",
          "expect",
          "host",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "via",
          "warning",
          "x-cache");

  public ResponseHeadersPolicy {
    Syntax.checkId("id", id);
    customHeaders = customHeaders == null ? List.of() : List.copyOf(customHeaders);
    removeHeaders = removeHeaders == null ? List.of() : List.copyOf(removeHeaders);
    for (int i = 0; i < removeHeaders.size(); i++) {
      String name = removeHeaders.get(i);
      checkHeaderName("removeHeaders[" + i + "]", name);
      if (PROTECTED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new InvalidValueException(
            "removeHeaders[" + i + "]",
            Syntax.quote(name) + " (expected: a header CloudFront allows removing)");
      }
    }
    if (serverTimingSamplingRate != null
        && (serverTimingSamplingRate < 0 || serverTimingSamplingRate > 100)) {
      throw new InvalidValueException(
          "serverTiming.samplingRate", serverTimingSamplingRate + " (expected: 0..100)");
    }
  }

  static void checkHeaderName(String field, String name) {
    if (name == null || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw new InvalidValueException(
          field, (name == null ? "null" : Syntax.quote(name)) + " (expected: a header name)");
    }
  }

  /**
   * CORS.
   *
   * @param allowOrigins exact origins ({@code https://app.example}), {@code https://*.example}
   *     patterns, or {@code *}
   * @param allowMethods methods for preflight answers, or {@code ALL}
   * @param allowHeaders request headers for preflight answers, or {@code *}
   * @param exposeHeaders response headers scripts may read
   * @param maxAgeSec how long browsers may cache a preflight answer, or {@code null}
   * @param allowCredentials whether credentials are allowed (then {@code *} is never sent)
   * @param originOverride whether these settings replace CORS headers from the origin
   */
  public record Cors(
      List<String> allowOrigins,
      List<String> allowMethods,
      List<String> allowHeaders,
      List<String> exposeHeaders,
      Integer maxAgeSec,
      boolean allowCredentials,
      boolean originOverride) {
    public Cors {
      allowOrigins = List.copyOf(allowOrigins);
      allowMethods = List.copyOf(allowMethods);
      allowHeaders = allowHeaders == null ? List.of() : List.copyOf(allowHeaders);
      exposeHeaders = exposeHeaders == null ? List.of() : List.copyOf(exposeHeaders);
      if (allowOrigins.isEmpty()) {
        throw new InvalidValueException(
            "cors.accessControlAllowOrigins", "[] (expected: at least one origin or *)");
      }
      if (allowMethods.isEmpty()) {
        throw new InvalidValueException(
            "cors.accessControlAllowMethods", "[] (expected: at least one method or ALL)");
      }
      if (maxAgeSec != null && maxAgeSec < 0) {
        throw new InvalidValueException(
            "cors.accessControlMaxAgeSec", maxAgeSec + " (expected: >= 0)");
      }
    }
  }

  /**
   * Security headers; each is {@code null} when not set.
   *
   * @param strictTransportSecurity the {@code Strict-Transport-Security} value
   * @param contentTypeOptions whether to send {@code X-Content-Type-Options: nosniff}
   * @param frameOptions {@code DENY} or {@code SAMEORIGIN}
   * @param referrerPolicy the {@code Referrer-Policy} value
   * @param contentSecurityPolicy the {@code Content-Security-Policy} value
   * @param override whether these replace the origin's own values
   */
  public record SecurityHeaders(
      String strictTransportSecurity,
      boolean contentTypeOptions,
      String frameOptions,
      String referrerPolicy,
      String contentSecurityPolicy,
      boolean override) {
    private static final Set<String> REFERRER_POLICIES =
        Set.of(
            "no-referrer",
            "no-referrer-when-downgrade",
            "origin",
            "origin-when-cross-origin",
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin",
            "unsafe-url");

    public SecurityHeaders {
      checkNoLineBreak("securityHeaders.strictTransportSecurity", strictTransportSecurity);
      checkNoLineBreak("securityHeaders.contentSecurityPolicy", contentSecurityPolicy);
      if (frameOptions != null
          && !frameOptions.equals("DENY")
          && !frameOptions.equals("SAMEORIGIN")) {
        throw new InvalidValueException(
            "securityHeaders.frameOptions",
            Syntax.quote(frameOptions) + " (expected: DENY or SAMEORIGIN)");
      }
      if (referrerPolicy != null && !REFERRER_POLICIES.contains(referrerPolicy)) {
        throw new InvalidValueException(
            "securityHeaders.referrerPolicy",
            Syntax.quote(referrerPolicy) + " (expected: one of " + REFERRER_POLICIES + ")");
      }
    }
  }

  /** A header value with a CR, LF or NUL would split or corrupt the response: refused at load. */
  static void checkNoLineBreak(String field, String value) {
    if (value != null
        && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0)) {
      throw new InvalidValueException(field, "(expected: a header value without line breaks)");
    }
  }

  /** A header added to responses; {@code override} replaces a value from the origin. */
  public record CustomHeader(String header, String value, boolean override) {
    public CustomHeader {
      checkHeaderName("customHeaders.header", header);
      if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new InvalidValueException(
            "customHeaders.value", "(expected: a header value without line breaks)");
      }
    }
  }
}
