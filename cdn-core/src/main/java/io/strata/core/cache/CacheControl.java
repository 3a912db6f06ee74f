package io.strata.core.cache;

import java.util.List;

/**
 * An immutable, parsed view of a response's {@code Cache-Control} header field (RFC 9111 §5.2.2).
 *
 * <p>Parsing is lenient and never throws: directive names are case-insensitive, spaces are
 * tolerated, values may be quoted ({@code max-age="60"}), unknown directives are ignored, and flag
 * directives count as present whatever argument they carry ({@code private="Set-Cookie"} is {@code
 * private}). Numeric directives follow these rules:
 *
 * <ul>
 *   <li>absent, or present with a malformed or negative value: {@code -1};
 *   <li>values above 2<sup>31</sup> seconds saturate at {@value #MAX_DELTA_SECONDS} (RFC 9111
 *       §1.2.2);
 *   <li>present more than once with different values: {@code 0}, the most restrictive reading; for
 *       {@code max-age} and {@code s-maxage} this makes the response stale (RFC 9111 §4.2.1).
 * </ul>
 */
public final class CacheControl {

  /** The largest delta-seconds value kept: 2<sup>31</sup>, as RFC 9111 §1.2.2 recommends. */
  public static final long MAX_DELTA_SECONDS = 2_147_483_648L;

  /** A header with no directives. */
  public static final CacheControl EMPTY = new CacheControl(new Parser());

  private final long maxAge;
  private final long sMaxAge;
  private final long staleWhileRevalidate;
  private final long staleIfError;
  private final boolean noStore;
  private final boolean noCache;
  private final boolean isPrivate;
  private final boolean isPublic;
  private final boolean mustRevalidate;
  private final boolean proxyRevalidate;

  private CacheControl(Parser p) {
    maxAge = p.maxAge.value();
    sMaxAge = p.sMaxAge.value();
    staleWhileRevalidate = p.staleWhileRevalidate.value();
    staleIfError = p.staleIfError.value();
    noStore = p.noStore;
    noCache = p.noCache;
    isPrivate = p.isPrivate;
    isPublic = p.isPublic;
    mustRevalidate = p.mustRevalidate;
    proxyRevalidate = p.proxyRevalidate;
  }

  /**
   * Parses the values of all {@code Cache-Control} field lines of a response, in order.
   *
   * @param headerValues the field values; {@code null}, or {@code null} elements, are treated as
   *     absent
   * @return the parsed directives
   */
  public static CacheControl parse(List<String> headerValues) {
    if (headerValues == null || headerValues.isEmpty()) {
      return EMPTY;
    }
    Parser parser = new Parser();
    for (String value : headerValues) {
      if (value != null) {
        parser.parse(value);
      }
    }
    return parser.isEmpty() ? EMPTY : new CacheControl(parser);
  }

  /**
   * Parses one {@code Cache-Control} value, which may hold several comma-separated directives.
   *
   * @param headerValue the field value; may be {@code null}
   * @return the parsed directives
   */
  public static CacheControl parse(String headerValue) {
    if (headerValue == null) {
      return EMPTY;
    }
    Parser parser = new Parser();
    parser.parse(headerValue);
    return parser.isEmpty() ? EMPTY : new CacheControl(parser);
  }

  /**
   * Returns {@code max-age} in seconds.
   *
   * @return seconds, {@code -1} when absent or invalid, {@code 0} when given conflicting values
   */
  public long maxAge() {
    return maxAge;
  }

  /**
   * Returns {@code s-maxage} in seconds.
   *
   * @return seconds, {@code -1} when absent or invalid, {@code 0} when given conflicting values
   */
  public long sMaxAge() {
    return sMaxAge;
  }

  /**
   * Returns {@code stale-while-revalidate} in seconds (RFC 5861).
   *
   * @return seconds, {@code -1} when absent or invalid, {@code 0} when given conflicting values
   */
  public long staleWhileRevalidate() {
    return staleWhileRevalidate;
  }

  /**
   * Returns {@code stale-if-error} in seconds (RFC 5861).
   *
   * @return seconds, {@code -1} when absent or invalid, {@code 0} when given conflicting values
   */
  public long staleIfError() {
    return staleIfError;
  }

  /**
   * Tells whether {@code no-store} is present.
   *
   * @return {@code true} if present
   */
  public boolean noStore() {
    return noStore;
  }

  /**
   * Tells whether {@code no-cache} is present, with or without a field-name argument.
   *
   * @return {@code true} if present
   */
  public boolean noCache() {
    return noCache;
  }

  /**
   * Tells whether {@code private} is present, with or without a field-name argument.
   *
   * @return {@code true} if present
   */
  public boolean isPrivate() {
    return isPrivate;
  }

  /**
   * Tells whether {@code public} is present.
   *
   * @return {@code true} if present
   */
  public boolean isPublic() {
    return isPublic;
  }

  /**
   * Tells whether {@code must-revalidate} is present.
   *
   * @return {@code true} if present
   */
  public boolean mustRevalidate() {
    return mustRevalidate;
  }

  /**
   * Tells whether {@code proxy-revalidate} is present.
   *
   * @return {@code true} if present
   */
  public boolean proxyRevalidate() {
    return proxyRevalidate;
  }

  /**
   * Tells whether the header gives an explicit freshness lifetime ({@code s-maxage} or {@code
   * max-age} with a usable value).
   *
   * @return {@code true} if {@link #sMaxAge()} or {@link #maxAge()} is {@code >= 0}
   */
  public boolean hasExplicitLifetime() {
    return sMaxAge >= 0 || maxAge >= 0;
  }

  /**
   * Tells whether any directive this class knows was present, so an RFC 9213 targeted field can be
   * told apart from an empty or unusable one.
   */
  public boolean hasAnyDirective() {
    return maxAge >= 0
        || sMaxAge >= 0
        || staleWhileRevalidate >= 0
        || staleIfError >= 0
        || noStore
        || noCache
        || isPrivate
        || isPublic
        || mustRevalidate
        || proxyRevalidate;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CacheControl[");
    appendSeconds(sb, "max-age", maxAge);
    appendSeconds(sb, "s-maxage", sMaxAge);
    appendSeconds(sb, "stale-while-revalidate", staleWhileRevalidate);
    appendSeconds(sb, "stale-if-error", staleIfError);
    appendFlag(sb, "no-store", noStore);
    appendFlag(sb, "no-cache", noCache);
    appendFlag(sb, "private", isPrivate);
    appendFlag(sb, "public", isPublic);
    appendFlag(sb, "must-revalidate", mustRevalidate);
    appendFlag(sb, "proxy-revalidate", proxyRevalidate);
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 2);
    }
    return sb.append(']').toString();
  }

  private static void appendSeconds(StringBuilder sb, String name, long value) {
    if (value >= 0) {
      sb.append(name).append('=').append(value).append(", ");
    }
  }

  private static void appendFlag(StringBuilder sb, String name, boolean present) {
    if (present) {
      sb.append(name).append(", ");
    }
  }

  /** A numeric directive seen zero or more times. */
  private static final class Seconds {

    private boolean seen;
    private boolean conflict;
    private long value = -1;

    void add(long parsed) {
      if (!seen) {
        seen = true;
        value = parsed;
      } else if (parsed != value) {
        conflict = true;
      }
    }

    long value() {
      return conflict ? 0 : value;
    }
  }

  /** Accumulates directives over one or more field values. */
  private static final class Parser {

    private final Seconds maxAge = new Seconds();
    private final Seconds sMaxAge = new Seconds();
    private final Seconds staleWhileRevalidate = new Seconds();
    private final Seconds staleIfError = new Seconds();
    private boolean noStore;
    private boolean noCache;
    private boolean isPrivate;
    private boolean isPublic;
    private boolean mustRevalidate;
    private boolean proxyRevalidate;
    private boolean any;

    boolean isEmpty() {
      return !any;
    }

    void parse(String s) {
      int n = s.length();
      int i = 0;
      while (i < n) {
        while (i < n && isSeparator(s.charAt(i))) {
          i++;
        }
        if (i >= n) {
          return;
        }
        int nameStart = i;
        while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',') {
          i++;
        }
        int nameEnd = i;
        while (nameEnd > nameStart && isWhitespace(s.charAt(nameEnd - 1))) {
          nameEnd--;
        }
        String value = null;
        if (i < n && s.charAt(i) == '=') {
          i++;
          while (i < n && isWhitespace(s.charAt(i))) {
            i++;
          }
          if (i < n && s.charAt(i) == '"') {
            StringBuilder quoted = new StringBuilder();
            i++;
            while (i < n && s.charAt(i) != '"') {
              if (s.charAt(i) == '\\' && i + 1 < n) {
                i++;
              }
              quoted.append(s.charAt(i++));
            }
            value = quoted.toString();
          } else {
            int valueStart = i;
            while (i < n && s.charAt(i) != ',') {
              i++;
            }
            int valueEnd = i;
            while (valueEnd > valueStart && isWhitespace(s.charAt(valueEnd - 1))) {
              valueEnd--;
            }
            value = s.substring(valueStart, valueEnd);
          }
        }
        apply(s, nameStart, nameEnd - nameStart, value);
        while (i < n && s.charAt(i) != ',') {
          i++;
        }
      }
    }

    private void apply(String s, int start, int length, String value) {
      if (is(s, start, length, "max-age")) {
        maxAge.add(deltaSeconds(value));
      } else if (is(s, start, length, "s-maxage")) {
        sMaxAge.add(deltaSeconds(value));
      } else if (is(s, start, length, "no-store")) {
        noStore = true;
      } else if (is(s, start, length, "no-cache")) {
        noCache = true;
      } else if (is(s, start, length, "private")) {
        isPrivate = true;
      } else if (is(s, start, length, "public")) {
        isPublic = true;
      } else if (is(s, start, length, "must-revalidate")) {
        mustRevalidate = true;
      } else if (is(s, start, length, "proxy-revalidate")) {
        proxyRevalidate = true;
      } else if (is(s, start, length, "stale-while-revalidate")) {
        staleWhileRevalidate.add(deltaSeconds(value));
      } else if (is(s, start, length, "stale-if-error")) {
        staleIfError.add(deltaSeconds(value));
      } else {
        return;
      }
      any = true;
    }

    private static boolean is(String s, int start, int length, String name) {
      return length == name.length() && s.regionMatches(true, start, name, 0, length);
    }

    /** RFC 9111 delta-seconds: one or more ASCII digits; -1 when malformed. */
    private static long deltaSeconds(String value) {
      if (value == null || value.isEmpty()) {
        return -1;
      }
      long result = 0;
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        if (result < MAX_DELTA_SECONDS) {
          result = Math.min(result * 10 + (c - '0'), MAX_DELTA_SECONDS);
        }
      }
      return result;
    }

    private static boolean isSeparator(char c) {
      return c == ',' || isWhitespace(c);
    }

    private static boolean isWhitespace(char c) {
      return c == ' ' || c == '\t';
    }
  }
}
