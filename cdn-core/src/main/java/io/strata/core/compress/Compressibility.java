package io.strata.core.compress;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether the edge compresses a response, with CloudFront's conditions ("Conditions for
 * compression" in {@code ServingCompressedFiles}); the first one that fails is the {@link Reason},
 * for logs and metric tags:
 *
 * <ol>
 *   <li>the behavior has {@code compress} on ({@link Reason#DISABLED});
 *   <li>the TTL is above 0: with TTL 0 CloudFront does not compress ({@link Reason#TTL_ZERO});
 *   <li>the normalised {@code Accept-Encoding} offers {@code br} or {@code gzip} ({@link
 *       Reason#NOT_ACCEPTED}); Brotli wins when both are offered;
 *   <li>the status is 200, 403 or 404 ({@link Reason#STATUS});
 *   <li>the origin sent no {@code Content-Encoding}, or only {@code identity} ({@link
 *       Reason#ALREADY_ENCODED});
 *   <li>exactly one valid {@code Content-Length} ({@link Reason#NO_CONTENT_LENGTH}) between {@value
 *       #MIN_LENGTH} and {@value #MAX_LENGTH} bytes inclusive ({@link Reason#TOO_SMALL}, {@link
 *       Reason#TOO_LARGE}); this also guarantees there is a body;
 *   <li>the media type, parameters stripped and compared case-insensitively, is in {@link
 *       #MEDIA_TYPES} ({@link Reason#CONTENT_TYPE});
 *   <li>no {@code Cache-Control: no-transform} (RFC 9110 §7.7; {@link Reason#NO_TRANSFORM}).
 * </ol>
 *
 * <p>"The object is not already cached uncompressed" and "never on a 304 refresh" are decided by
 * the caller, which knows the cache state. Never throws; thread-safe; returns shared constants (no
 * allocation).
 */
public final class Compressibility {

  /** The smallest body compressed, in bytes. */
  public static final long MIN_LENGTH = 1_000;

  /** The largest body compressed, in bytes. */
  public static final long MAX_LENGTH = 10_000_000;

  /**
   * The media types CloudFront compresses, copied from its documentation (the 2023 list), in lower
   * case.
   */
  public static final Set<String> MEDIA_TYPES =
      Set.of(
          "application/dash+xml",
          "application/eot",
          "application/font",
          "application/font-sfnt",
          "application/javascript",
          "application/json",
          "application/opentype",
          "application/otf",
          "application/pkcs7-mime",
          "application/protobuf",
          "application/rss+xml",
          "application/truetype",
          "application/ttf",
          "application/vnd.apple.mpegurl",
          "application/vnd.mapbox-vector-tile",
          "application/vnd.ms-fontobject",
          "application/xhtml+xml",
          "application/xml",
          "application/x-font-opentype",
          "application/x-font-truetype",
          "application/x-font-ttf",
          "application/x-httpd-cgi",
          "application/x-javascript",
          "application/x-mpegurl",
          "application/x-opentype",
          "application/x-otf",
          "application/x-perl",
          "application/x-ttf",
          "font/eot",
          "font/opentype",
          "font/otf",
          "font/ttf",
          "image/svg+xml",
          "text/css",
          "text/csv",
          "text/html",
          "text/javascript",
          "text/js",
          "text/plain",
          "text/richtext",
          "text/tab-separated-values",
          "text/xml",
          "text/x-component",
          "text/x-java-source",
          "text/x-script",
          "vnd.apple.mpegurl");

  /** Case-insensitive view of {@link #MEDIA_TYPES}, so lookups need no lower-cased copy. */
  private static final TreeSet<String> TYPES_ANY_CASE =
      new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    TYPES_ANY_CASE.addAll(MEDIA_TYPES);
  }

  /** Why a response is, or is not, compressed. */
  public enum Reason {
    /** Every condition holds. */
    COMPRESS,
    /** The behavior's {@code compress} is off. */
    DISABLED,
    /** The TTL is 0. */
    TTL_ZERO,
    /** The viewer accepts neither enabled coding. */
    NOT_ACCEPTED,
    /** The status is not 200, 403 or 404. */
    STATUS,
    /** The origin already applied a content coding. */
    ALREADY_ENCODED,
    /** {@code Content-Length} missing, repeated or invalid. */
    NO_CONTENT_LENGTH,
    /** Fewer than {@value Compressibility#MIN_LENGTH} bytes. */
    TOO_SMALL,
    /** More than {@value Compressibility#MAX_LENGTH} bytes. */
    TOO_LARGE,
    /** The media type is not in the list. */
    CONTENT_TYPE,
    /** {@code Cache-Control: no-transform}. */
    NO_TRANSFORM;

    private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** A stable lower-case tag for metrics and logs, such as {@code too-small}. */
    public String tag() {
      return tag;
    }
  }

  /**
   * The decision.
   *
   * @param reason why
   * @param coding the coding to apply when {@code reason} is {@link Reason#COMPRESS}, else {@code
   *     null}
   */
  public record Decision(Reason reason, ContentCoding coding) {

    /** True when the response is to be compressed with {@link #coding()}. */
    public boolean compress() {
      return coding != null;
    }
  }

  private static final Decision GZIP = new Decision(Reason.COMPRESS, ContentCoding.GZIP);
  private static final Decision BR = new Decision(Reason.COMPRESS, ContentCoding.BR);
  private static final Decision[] SKIP = new Decision[Reason.values().length];

  static {
    for (Reason r : Reason.values()) {
      SKIP[r.ordinal()] = new Decision(r, null);
    }
  }

  private Compressibility() {}

  /**
   * Decides.
   *
   * @param compressEnabled the behavior's {@code compress}
   * @param normalizedAcceptEncoding the request's {@link AcceptEncoding#normalize normalised}
   *     {@code Accept-Encoding}
   * @param status the response status
   * @param responseHeaders the origin response's header fields
   * @param ttlSeconds the TTL the response is cached for
   * @return the decision; never {@code null}
   */
  public static Decision decide(
      boolean compressEnabled,
      String normalizedAcceptEncoding,
      int status,
      MultiMap responseHeaders,
      long ttlSeconds) {
    if (!compressEnabled) {
      return skip(Reason.DISABLED);
    }
    if (ttlSeconds <= 0) {
      return skip(Reason.TTL_ZERO);
    }
    ContentCoding coding = AcceptEncoding.preferred(normalizedAcceptEncoding);
    if (coding == null) {
      return skip(Reason.NOT_ACCEPTED);
    }
    if (status != 200 && status != 403 && status != 404) {
      return skip(Reason.STATUS);
    }
    if (alreadyEncoded(responseHeaders.getAll("Content-Encoding"))) {
      return skip(Reason.ALREADY_ENCODED);
    }
    long length = contentLength(responseHeaders.getAll("Content-Length"));
    if (length < 0) {
      return skip(Reason.NO_CONTENT_LENGTH);
    }
    if (length < MIN_LENGTH) {
      return skip(Reason.TOO_SMALL);
    }
    if (length > MAX_LENGTH) {
      return skip(Reason.TOO_LARGE);
    }
    if (!isCompressibleType(responseHeaders.get("Content-Type"))) {
      return skip(Reason.CONTENT_TYPE);
    }
    if (hasNoTransform(responseHeaders.getAll("Cache-Control"))) {
      return skip(Reason.NO_TRANSFORM);
    }
    return coding == ContentCoding.BR ? BR : GZIP;
  }

  /**
   * True when the media type of a {@code Content-Type} value (parameters and whitespace stripped,
   * any case) is in {@link #MEDIA_TYPES}; {@code null} is not.
   */
  public static boolean isCompressibleType(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    return TYPES_ANY_CASE.contains(type);
  }

  private static Decision skip(Reason reason) {
    return SKIP[reason.ordinal()];
  }

  private static boolean alreadyEncoded(List<String> values) {
    for (String v : values) {
      int i = 0;
      int n = v.length();
      while (i < n) {
        char c = v.charAt(i);
        if (c == ',' || c == ' ' || c == '\t') {
          i++;
          continue;
        }
        int end = AcceptEncoding.tokenEnd(v, i);
        if (end == i || !(end - i == 8 && v.regionMatches(true, i, "identity", 0, 8))) {
          return true;
        }
        i = end;
      }
    }
    return false;
  }

  /** The single valid {@code Content-Length}, or -1. */
  private static long contentLength(List<String> values) {
    if (values.size() != 1) {
      return -1;
    }
    String v = values.get(0).strip();
    if (v.isEmpty() || v.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** True when a {@code no-transform} directive appears (quoted strings are skipped). */
  private static boolean hasNoTransform(List<String> values) {
    for (String v : values) {
      int n = v.length();
      int i = 0;
      while (i < n) {
        char c = v.charAt(i);
        if (c == ',' || c == ' ' || c == '\t') {
          i++;
          continue;
        }
        int end = AcceptEncoding.tokenEnd(v, i);
        if (end - i == 12 && v.regionMatches(true, i, "no-transform", 0, 12)) {
          return true;
        }
        i = end == i ? i + 1 : end;
        // skip a directive argument, quoted or not, up to the next comma
        while (i < n && v.charAt(i) != ',') {
          if (v.charAt(i) == '"') {
            i++;
            while (i < n && v.charAt(i) != '"') {
              i += v.charAt(i) == '\\' ? 2 : 1;
            }
          }
          i++;
        }
      }
    }
    return false;
  }
}
