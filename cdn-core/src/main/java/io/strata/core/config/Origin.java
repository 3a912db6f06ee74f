package io.strata.core.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;

/**
 * An origin server a behaviour can fetch from.
 *
 * <p>The URL is kept in canonical form: scheme and host in lower case, no trailing {@code /}, so
 * {@code HTTP://Example.com/base/} becomes {@code http://example.com/base}. Its path, if any, is
 * prefixed to every request path sent to the origin.
 *
 * @param id the origin's id, unique within its distribution
 * @param url an absolute {@code http} or {@code https} URL with a host, an optional port and an
 *     optional path prefix; no user info, query or fragment
 * @param connectTimeoutMs the TCP/TLS connect timeout in milliseconds, 1..60000
 * @param readTimeoutMs the time allowed to the first byte and between packets, in milliseconds,
 *     1..600000
 * @param healthCheck active checks and passive outlier detection; {@code null} means {@link
 *     HealthCheck#PASSIVE_ONLY}
 * @param limits admission control; {@code null} means {@link OriginLimits#DEFAULT}
 */
public record Origin(
    String id,
    URI url,
    int connectTimeoutMs,
    int readTimeoutMs,
    HealthCheck healthCheck,
    OriginLimits limits) {

  /** Connect timeout used when none is configured, in milliseconds. */
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 2_000;

  /** Read timeout used when none is configured, in milliseconds. */
  public static final int DEFAULT_READ_TIMEOUT_MS = 30_000;

  /** Largest accepted connect timeout, in milliseconds. */
  public static final int MAX_CONNECT_TIMEOUT_MS = 60_000;

  /** Largest accepted read timeout, in milliseconds. */
  public static final int MAX_READ_TIMEOUT_MS = 600_000;

  /**
   * Validates the fields and puts the URL in canonical form.
   *
   * @throws InvalidValueException naming the offending field
   */
  public Origin {
    Syntax.checkId("id", id);
    url = canonicalUrl(requireNonNull(url, "url"));
    if (connectTimeoutMs < 1 || connectTimeoutMs > MAX_CONNECT_TIMEOUT_MS) {
      throw new InvalidValueException(
          "connectTimeoutMs", connectTimeoutMs + " (expected: 1.." + MAX_CONNECT_TIMEOUT_MS + ")");
    }
    if (readTimeoutMs < 1 || readTimeoutMs > MAX_READ_TIMEOUT_MS) {
      throw new InvalidValueException(
          "readTimeoutMs", readTimeoutMs + " (expected: 1.." + MAX_READ_TIMEOUT_MS + ")");
    }
    healthCheck = healthCheck == null ? HealthCheck.PASSIVE_ONLY : healthCheck;
    limits = limits == null ? OriginLimits.DEFAULT : limits;
  }

  /** Creates an origin with passive health checks only and the default admission limits. */
  public Origin(String id, URI url, int connectTimeoutMs, int readTimeoutMs) {
    this(id, url, connectTimeoutMs, readTimeoutMs, null, null);
  }

  /**
   * Creates an origin with the default timeouts ({@value #DEFAULT_CONNECT_TIMEOUT_MS} ms to
   * connect, {@value #DEFAULT_READ_TIMEOUT_MS} ms to read).
   *
   * @param id the origin's id
   * @param url the origin's URL
   */
  public Origin(String id, URI url) {
    this(id, url, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS);
  }

  /**
   * Returns the URL scheme.
   *
   * @return {@code http} or {@code https}
   */
  public String scheme() {
    return url.getScheme();
  }

  /**
   * Returns the host to connect to, in lower case; an IPv6 address comes without brackets ({@code
   * ::1}).
   *
   * @return the host
   */
  public String host() {
    String host = url.getHost();
    return host.charAt(0) == '[' ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * Returns the port to connect to: the URL's port, or 80 for {@code http} and 443 for {@code
   * https}.
   *
   * @return the port, 1..65535
   */
  public int port() {
    int port = url.getPort();
    if (port != -1) {
      return port;
    }
    return tls() ? 443 : 80;
  }

  /**
   * Returns the path prefix to put before every request path: {@code ""} or a raw (still
   * percent-encoded) path such as {@code /base}, never ending with {@code /}.
   *
   * @return the path prefix
   */
  public String pathPrefix() {
    return url.getRawPath();
  }

  /**
   * Tells whether connections to this origin use TLS.
   *
   * @return {@code true} for {@code https}
   */
  public boolean tls() {
    return "https".equals(url.getScheme());
  }

  private static URI canonicalUrl(URI url) {
    String text = Syntax.quote(url.toString());
    if (!url.isAbsolute() || url.isOpaque()) {
      throw new InvalidValueException("url", text + " (expected: an absolute http or https URL)");
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidValueException("url", text + " (expected: scheme http or https)");
    }
    if (url.getHost() == null) {
      throw new InvalidValueException("url", text + " (expected: a valid host)");
    }
    if (url.getRawUserInfo() != null) {
      throw new InvalidValueException("url", text + " (expected: no user info)");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new InvalidValueException("url", text + " (expected: no query or fragment)");
    }
    int port = url.getPort();
    if (port == 0 || port > 65_535) {
      throw new InvalidValueException("url", text + " (expected: a port in 1..65535)");
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    return URI.create(
        scheme
            + "://"
            + url.getHost().toLowerCase(Locale.ROOT)
            + (port == -1 ? "" : ":" + port)
            + path.substring(0, end));
  }
}
