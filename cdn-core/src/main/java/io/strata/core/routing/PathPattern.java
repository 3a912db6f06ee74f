package io.strata.core.routing;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A CloudFront cache-behaviour path pattern, parsed once and matched against request paths.
 *
 * <p>Semantics (CloudFront, {@code distribution-web-values-specify}):
 *
 * <ul>
 *   <li>matching is case-sensitive and looks at the path only: the caller strips the query string;
 *   <li>{@code *} matches zero or more characters, {@code /} included, so {@code /images/*.jpg}
 *       also matches {@code /images/a/b.jpg}; {@code ?} matches exactly one character; there is no
 *       escape;
 *   <li>a leading {@code /} is optional: {@code images/*.jpg} and {@code /images/*.jpg} are the
 *       same pattern;
 *   <li>{@code *} alone matches every path;
 *   <li>a pattern has 1 to 255 characters taken from {@code A-Z a-z 0-9 _ - . * ? $ / ~ " ' @ : +
 *       &}.
 * </ul>
 *
 * <p>{@link #matches(String)} runs on every request: it allocates nothing and uses an iterative
 * glob match that backtracks only to the last {@code *}, so its cost is bounded by {@code O(path
 * length × pattern length)} and never exponential. Instances are immutable and thread-safe.
 */
public final class PathPattern {

  /** Maximum pattern length, in characters, as written in the configuration. */
  public static final int MAX_LENGTH = 255;

  private static final String ALLOWED_DESCRIPTION =
      "A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & and the wildcards * ?";

  private static final PathPattern ANY = new PathPattern("*", Kind.ANY, new char[] {'*'}, "", 0);

  private enum Kind {
    ANY,
    EXACT,
    PREFIX,
    SUFFIX,
    GLOB
  }

  private final String pattern;
  private final Kind kind;

  /** Pattern characters with runs of {@code *} collapsed to one; used by {@link Kind#GLOB}. */
  private final char[] glob;

  /**
   * The literal part for {@link Kind#EXACT}, {@link Kind#PREFIX} and {@link Kind#SUFFIX}; unused
   * otherwise.
   */
  private final String literal;

  /** The number of non-{@code *} characters: a shorter path can never match. */
  private final int minLength;

  private PathPattern(String pattern, Kind kind, char[] glob, String literal, int minLength) {
    this.pattern = pattern;
    this.kind = kind;
    this.glob = glob;
    this.literal = literal;
    this.minLength = minLength;
  }

  /**
   * Parses a path pattern.
   *
   * @param pattern the pattern as written in the configuration
   * @return the parsed pattern
   * @throws IllegalArgumentException if the pattern is empty, longer than {@value #MAX_LENGTH}
   *     characters or contains a character CloudFront does not allow; the message names the value
   *     and the expectation
   */
  public static PathPattern parse(String pattern) {
    requireNonNull(pattern, "pattern");
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("'' (expected: a non-empty path pattern)");
    }
    if (pattern.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          abbreviate(pattern)
              + " has "
              + pattern.length()
              + " characters (expected: at most "
              + MAX_LENGTH
              + ")");
    }
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (!isAllowed(c)) {
        throw new IllegalArgumentException(
            abbreviate(pattern)
                + " has illegal character "
                + describe(c)
                + " at index "
                + i
                + " (allowed: "
                + ALLOWED_DESCRIPTION
                + ")");
      }
    }
    String canonical =
        pattern.charAt(0) == '/' || pattern.charAt(0) == '*' ? pattern : '/' + pattern;
    return compile(canonical);
  }

  private static PathPattern compile(String written) {
    char[] collapsed = new char[written.length()];
    int length = 0;
    int stars = 0;
    int questionMarks = 0;
    for (int i = 0; i < written.length(); i++) {
      char c = written.charAt(i);
      if (c == '*') {
        if (length > 0 && collapsed[length - 1] == '*') {
          continue;
        }
        stars++;
      } else if (c == '?') {
        questionMarks++;
      }
      collapsed[length++] = c;
    }
    if (length == 1 && stars == 1) {
      return ANY;
    }
    char[] glob = Arrays.copyOf(collapsed, length);
    String canonical = new String(glob);
    int minLength = length - stars;
    if (questionMarks == 0 && stars == 0) {
      return new PathPattern(canonical, Kind.EXACT, glob, canonical, minLength);
    }
    if (questionMarks == 0 && stars == 1 && glob[length - 1] == '*') {
      return new PathPattern(
          canonical, Kind.PREFIX, glob, canonical.substring(0, length - 1), minLength);
    }
    if (questionMarks == 0 && stars == 1 && glob[0] == '*') {
      return new PathPattern(canonical, Kind.SUFFIX, glob, canonical.substring(1), minLength);
    }
    return new PathPattern(canonical, Kind.GLOB, glob, "", minLength);
  }

  /**
   * Tells whether {@code path} matches this pattern. Allocates nothing.
   *
   * @param path the request path, without query string (for example {@code /images/a.jpg})
   * @return {@code true} if the whole path matches
   */
  public boolean matches(String path) {
    return switch (kind) {
      case ANY -> true;
      case EXACT -> literal.equals(path);
      case PREFIX -> path.startsWith(literal);
      case SUFFIX -> path.endsWith(literal);
      case GLOB -> path.length() >= minLength && globMatches(path, false);
    };
  }

  /**
   * Like {@link #matches(String)}, with ASCII letters compared regardless of case: how a
   * case-insensitive origin would read the path. Used only to find aliases of signed behaviors
   * ({@link AliasGuard}); allocates nothing.
   */
  public boolean matchesIgnoringCase(String path) {
    return switch (kind) {
      case ANY -> true;
      case EXACT -> literal.equalsIgnoreCase(path);
      case PREFIX -> path.regionMatches(true, 0, literal, 0, literal.length());
      case SUFFIX ->
          path.length() >= literal.length()
              && path.regionMatches(
                  true, path.length() - literal.length(), literal, 0, literal.length());
      case GLOB -> path.length() >= minLength && globMatches(path, true);
    };
  }

  /**
   * Classic greedy glob match: on a mismatch, retry from the most recent {@code *}, letting it
   * swallow one more character. Earlier stars never need revisiting (whatever an earlier star could
   * absorb, the later one can too), so the worst case is {@code O(path length × pattern length)},
   * with no recursion and no allocation.
   */
  private boolean globMatches(String path, boolean ignoreCase) {
    final char[] p = glob;
    final int pLen = p.length;
    final int sLen = path.length();
    int pi = 0;
    int si = 0;
    int starP = -1;
    int starS = 0;
    while (si < sLen) {
      if (pi < pLen) {
        char pc = p[pi];
        if (pc == '*') {
          starP = pi++;
          starS = si;
          continue;
        }
        char sc = path.charAt(si);
        if (pc == '?' || pc == sc || (ignoreCase && asciiLower(pc) == asciiLower(sc))) {
          pi++;
          si++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      pi = starP + 1;
      si = ++starS;
    }
    while (pi < pLen && p[pi] == '*') {
      pi++;
    }
    return pi == pLen;
  }

  /**
   * Returns the canonical pattern text: as written, with a leading {@code /} added when the written
   * pattern began with neither {@code /} nor {@code *}, and each run of {@code *} collapsed to one.
   * Two patterns are equal exactly when their canonical texts are.
   *
   * @return the canonical pattern
   */
  public String pattern() {
    return pattern;
  }

  /**
   * Tells whether this is the catch-all pattern {@code *} (the only pattern a default behaviour may
   * have).
   *
   * @return {@code true} if this pattern is {@code *}
   */
  public boolean isCatchAll() {
    return kind == Kind.ANY;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathPattern other && pattern.equals(other.pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }

  private static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  private static boolean isAllowed(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    switch (c) {
      case '_', '-', '.', '*', '?', '$', '/', '~', '"', '\'', '@', ':', '+', '&':
        return true;
      default:
        return false;
    }
  }

  private static String describe(char c) {
    if (c < 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
      return String.format("U+%04X", (int) c);
    }
    return "'" + c + "'";
  }

  private static String abbreviate(String pattern) {
    return pattern.length() <= 40 ? "'" + pattern + "'" : "'" + pattern.substring(0, 40) + "...'";
  }
}
