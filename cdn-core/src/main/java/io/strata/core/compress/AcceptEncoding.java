package io.strata.core.compress;

import java.util.List;

/**
 * Normalises a viewer's {@code Accept-Encoding} the way CloudFront does when a cache policy enables
 * Gzip and/or Brotli: the result is the only {@code Accept-Encoding} the cache key holds and the
 * origin receives.
 *
 * <ul>
 *   <li>both codings acceptable and enabled: {@value #BR_GZIP};
 *   <li>only one: {@value #GZIP} or {@value #BR};
 *   <li>neither: {@code ""} ({@link #IDENTITY}): the header is left out of the key and the origin
 *       gets {@code Accept-Encoding: identity};
 *   <li>every other coding ({@code deflate}, {@code zstd}, ...) is dropped.
 * </ul>
 *
 * <p>Parsing follows RFC 9110 §12.5.3: codings are case-insensitive; {@code x-gzip} counts as
 * {@code gzip}; a weight {@code ;q=0} means "not acceptable"; {@code *} makes every coding not
 * listed explicitly acceptable (with its own weight); when a coding is listed more than once, its
 * highest weight counts; parameters other than {@code q} are ignored. A value that is not a valid
 * list (bad token, bad {@code qvalue}, stray characters) is treated as asking for identity only, as
 * is {@code null} or an empty value. HTTP/1.0 requests are the caller's business: CloudFront drops
 * their {@code Accept-Encoding} before normalising. Never throws; thread-safe; the results are
 * interned constants, so no allocation for a single header line.
 */
public final class AcceptEncoding {

  /** Both codings, Brotli first (CloudFront's spelling). */
  public static final String BR_GZIP = "br,gzip";

  /** Gzip only. */
  public static final String GZIP = "gzip";

  /** Brotli only. */
  public static final String BR = "br";

  /** Neither coding: identity. */
  public static final String IDENTITY = "";

  private AcceptEncoding() {}

  /**
   * Normalises with both codings enabled, Brotli only when {@link BrotliEncoder#isAvailable()}
   * (checked once, on first use): the setting of a cache policy with {@code
   * EnableAcceptEncodingGzip} and {@code EnableAcceptEncodingBrotli} both true.
   *
   * @param value the field value (several field lines joined with {@code ","}), or {@code null}
   * @return one of {@link #BR_GZIP}, {@link #GZIP}, {@link #BR}, {@link #IDENTITY}
   */
  public static String normalize(String value) {
    return normalize(value, true, BrotliSupport.AVAILABLE);
  }

  /** Loads the native Brotli library only when the one-argument form is first used. */
  private static final class BrotliSupport {
    static final boolean AVAILABLE = BrotliEncoder.isAvailable();
  }

  /**
   * Normalises one {@code Accept-Encoding} value (several field lines joined with {@code ","}).
   *
   * @param value the field value, or {@code null} when absent
   * @param gzipEnabled the cache policy's {@code EnableAcceptEncodingGzip}
   * @param brotliEnabled the cache policy's {@code EnableAcceptEncodingBrotli}, and'ed by the
   *     caller with {@link BrotliEncoder#isAvailable()} so that Brotli is never offered when it
   *     cannot be produced
   * @return one of {@link #BR_GZIP}, {@link #GZIP}, {@link #BR}, {@link #IDENTITY}
   */
  public static String normalize(String value, boolean gzipEnabled, boolean brotliEnabled) {
    if (value == null) {
      return IDENTITY;
    }
    int gzipQ = -1;
    int brQ = -1;
    int starQ = -1;
    int n = value.length();
    int i = 0;
    while (i < n) {
      char c = value.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int tokenStart = i;
      i = tokenEnd(value, i);
      if (i == tokenStart) {
        return IDENTITY;
      }
      int tokenEnd = i;
      int q = 1000;
      i = skipOws(value, i);
      while (i < n && value.charAt(i) == ';') {
        i = skipOws(value, i + 1);
        int nameStart = i;
        i = tokenEnd(value, i);
        if (i == nameStart || i >= n || value.charAt(i) != '=') {
          return IDENTITY;
        }
        boolean isQ = i - nameStart == 1 && (value.charAt(nameStart) | 0x20) == 'q';
        int valueStart = ++i;
        if (isQ) {
          i = tokenEnd(value, i);
          q = qvalue(value, valueStart, i);
          if (q < 0) {
            return IDENTITY;
          }
        } else {
          i = skipParameterValue(value, i);
          if (i < 0) {
            return IDENTITY;
          }
        }
        i = skipOws(value, i);
      }
      if (i < n && value.charAt(i) != ',') {
        return IDENTITY;
      }
      int len = tokenEnd - tokenStart;
      if (is(value, tokenStart, len, "gzip") || is(value, tokenStart, len, "x-gzip")) {
        gzipQ = Math.max(gzipQ, q);
      } else if (is(value, tokenStart, len, "br")) {
        brQ = Math.max(brQ, q);
      } else if (len == 1 && value.charAt(tokenStart) == '*') {
        starQ = Math.max(starQ, q);
      }
    }
    boolean gzip = gzipEnabled && (gzipQ > 0 || (gzipQ < 0 && starQ > 0));
    boolean br = brotliEnabled && (brQ > 0 || (brQ < 0 && starQ > 0));
    if (gzip && br) {
      return BR_GZIP;
    }
    return gzip ? GZIP : br ? BR : IDENTITY;
  }

  /**
   * Normalises all {@code Accept-Encoding} field lines of a request.
   *
   * @param values the field values in order; empty when absent
   */
  public static String normalize(List<String> values, boolean gzipEnabled, boolean brotliEnabled) {
    if (values == null || values.isEmpty()) {
      return IDENTITY;
    }
    String joined = values.size() == 1 ? values.get(0) : String.join(",", values);
    return normalize(joined, gzipEnabled, brotliEnabled);
  }

  /**
   * The coding to compress with for a normalised value: Brotli when offered (CloudFront prefers
   * it), else gzip, else {@code null}.
   */
  public static ContentCoding preferred(String normalized) {
    if (normalized == null) {
      return null;
    }
    if (normalized.startsWith(BR)) {
      return ContentCoding.BR;
    }
    return normalized.equals(GZIP) ? ContentCoding.GZIP : null;
  }

  private static boolean is(String s, int start, int len, String token) {
    return len == token.length() && s.regionMatches(true, start, token, 0, len);
  }

  /** RFC 9110 qvalue in thousandths, or -1 when {@code s[start, end)} is not one. */
  private static int qvalue(String s, int start, int end) {
    int len = end - start;
    if (len < 1 || len > 5) {
      return -1;
    }
    char whole = s.charAt(start);
    if (whole != '0' && whole != '1') {
      return -1;
    }
    int thousandths = 0;
    if (len > 1) {
      if (s.charAt(start + 1) != '.') {
        return -1;
      }
      int scale = 100;
      for (int i = start + 2; i < end; i++, scale /= 10) {
        char d = s.charAt(i);
        if (d < '0' || d > '9') {
          return -1;
        }
        thousandths += (d - '0') * scale;
      }
    }
    if (whole == '1') {
      return thousandths == 0 ? 1000 : -1;
    }
    return thousandths;
  }

  /** Skips a token or quoted-string parameter value; -1 when there is none. */
  private static int skipParameterValue(String s, int i) {
    if (i < s.length() && s.charAt(i) == '"') {
      for (int j = i + 1; j < s.length(); j++) {
        char c = s.charAt(j);
        if (c == '\\') {
          j++;
        } else if (c == '"') {
          return j + 1;
        }
      }
      return -1;
    }
    int end = tokenEnd(s, i);
    return end == i ? -1 : end;
  }

  private static int skipOws(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** The end of the run of RFC 9110 tchar starting at {@code i}. */
  static int tokenEnd(String s, int i) {
    while (i < s.length() && isTchar(s.charAt(i))) {
      i++;
    }
    return i;
  }

  static boolean isTchar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
