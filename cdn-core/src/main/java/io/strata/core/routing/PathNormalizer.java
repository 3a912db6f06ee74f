package io.strata.core.routing;

/**
 * The one normaliser of request paths. Its result is what the behavior is matched against, what the
 * cache key holds and what the origin's request line carries, so no two spellings that an origin
 * could read differently share a cache entry, and no spelling reaches a behavior other than the one
 * it is matched to.
 *
 * <p>Normalising (RFC 3986 §6.2.2), as CloudFront does before matching behaviors:
 *
 * <ul>
 *   <li>percent-encodings of unreserved characters and of {@code $ ' @ : + &} are decoded ({@code
 *       %7e} → {@code ~}, {@code %2e} → {@code .}): every origin reads them as the character;
 *   <li>the hex digits of the percent-encodings that stay are upper-cased ({@code %2f} → {@code
 *       %2F});
 *   <li>dot segments are removed (§5.2.4: {@code /a/./b/../c} → {@code /a/c}; {@code ..} never
 *       climbs above the root);
 *   <li>runs of {@code /} are merged ({@code //private/x} → {@code /private/x}): common origins
 *       (nginx's {@code merge_slashes}, Apache, most frameworks) merge them, so the two spellings
 *       would otherwise be one resource behind two behaviors.
 * </ul>
 *
 * <p>Refusing ({@link #normalize} returns {@code null}, the caller answers 400), because some
 * common origin reads the spelling as something else than the canonical form says:
 *
 * <ul>
 *   <li>a literal backslash (IIS and Windows file servers read it as {@code /});
 *   <li>a literal space, or a control character literal or encoded ({@code %00} – {@code %1F},
 *       {@code %7F}): {@code %00} truncates paths in C origins;
 *   <li>a literal non-ASCII byte (RFC 9112 requires percent-encoding);
 *   <li>a malformed percent-encoding ({@code %}, {@code %4}, {@code %zz});
 *   <li>percent-encoded bytes that are not UTF-8, overlong forms included ({@code %C0%AE} is an
 *       overlong {@code .}, {@code %C0%AF} an overlong {@code /});
 *   <li>a segment that becomes a dot segment once an encoded separator ({@code %2F}, {@code %5C})
 *       is decoded or a {@code ;} parameter is stripped: {@code ..%2F}, {@code %2F..}, {@code ..;},
 *       {@code .;x} (nginx decodes {@code %2F}; Tomcat drops {@code ;} parameters, then resolves
 *       {@code ..}).
 * </ul>
 *
 * <p>Other encoded separators ({@code a%2Fb}) are kept encoded: decoding them would change which
 * resource is meant for origins that honour them. Double encoding ({@code %252e}) is kept as is:
 * the origin decodes it once, to a literal {@code %2e}.
 *
 * <p>{@link #normalize} allocates nothing for a path that is already canonical (the common case):
 * it returns its argument.
 */
public final class PathNormalizer {

  /** Why a path is refused, for logs and the rejection metric. */
  public enum Problem {
    BACKSLASH("backslash"),
    CONTROL_CHARACTER("control_character"),
    NON_ASCII("non_ascii"),
    BAD_PERCENT_ENCODING("bad_percent_encoding"),
    INVALID_UTF8("invalid_utf8"),
    HIDDEN_DOT_SEGMENT("hidden_dot_segment"),
    NOT_ABSOLUTE("not_absolute");

    private final String tag;

    Problem(String tag) {
      this.tag = tag;
    }

    /** A stable metric tag. */
    public String tag() {
      return tag;
    }
  }

  private PathNormalizer() {}

  /**
   * The canonical form of a raw request path (no query string).
   *
   * @param raw the path as received, starting with {@code /}
   * @return the canonical path ({@code raw} itself when already canonical), or {@code null} when
   *     the path must be refused; {@link #problem} says why
   */
  public static String normalize(String raw) {
    if (isCanonical(raw)) {
      return raw;
    }
    return slowPath(raw, null);
  }

  /**
   * Why {@link #normalize} refuses a path.
   *
   * @return the problem, or {@code null} if the path is accepted
   */
  public static Problem problem(String raw) {
    if (isCanonical(raw)) {
      return null;
    }
    Problem[] why = new Problem[1];
    slowPath(raw, why);
    return why[0];
  }

  /**
   * The path without {@code ;} parameters in any segment ({@code /a;x=1/b;y} → {@code /a/b}), the
   * way Servlet containers read it; the argument itself when it has none.
   */
  public static String withoutParameters(String path) {
    if (path.indexOf(';') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    boolean skipping = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '/') {
        skipping = false;
      } else if (c == ';') {
        skipping = true;
      }
      if (!skipping) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * True when nothing needs changing or refusing: no {@code %}, backslash, control or non-ASCII
   * character, no empty segment and no segment made only of dots (one or two) or starting with a
   * dot and a {@code ;}.
   */
  private static boolean isCanonical(String raw) {
    int length = raw.length();
    if (length == 0 || raw.charAt(0) != '/') {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '%' || c == '\\') {
        return false;
      }
      if (c == '/' && i + 1 < length) {
        char next = raw.charAt(i + 1);
        if (next == '/') {
          return false;
        }
        if (next == '.' && startsDotSegment(raw, i + 1)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A segment starting at {@code at} with {@code .} that is {@code .}, {@code ..} or {@code .;}…
   */
  private static boolean startsDotSegment(String raw, int at) {
    int i = at;
    int dots = 0;
    while (i < raw.length() && raw.charAt(i) == '.' && dots < 3) {
      dots++;
      i++;
    }
    if (dots > 2) {
      return false;
    }
    return i == raw.length() || raw.charAt(i) == '/' || raw.charAt(i) == ';';
  }

  private static String slowPath(String raw, Problem[] why) {
    if (raw.isEmpty() || raw.charAt(0) != '/') {
      return refuse(why, Problem.NOT_ABSOLUTE);
    }
    // Pass 1: decode what may be decoded, upper-case what stays encoded, refuse what is ambiguous.
    StringBuilder decoded = new StringBuilder(raw.length());
    int length = raw.length();
    int i = 0;
    while (i < length) {
      char c = raw.charAt(i);
      if (c == '\\') {
        return refuse(why, Problem.BACKSLASH);
      }
      if (c <= 0x20 || c == 0x7f) {
        // A space cannot arrive in an HTTP/1.1 request line; over HTTP/2 it can.
        return refuse(why, Problem.CONTROL_CHARACTER);
      }
      if (c > 0x7f) {
        return refuse(why, Problem.NON_ASCII);
      }
      if (c != '%') {
        decoded.append(c);
        i++;
        continue;
      }
      int value = hexByte(raw, i);
      if (value < 0) {
        return refuse(why, Problem.BAD_PERCENT_ENCODING);
      }
      if (value < 0x20 || value == 0x7f) {
        return refuse(why, Problem.CONTROL_CHARACTER);
      }
      if (value >= 0x80) {
        int end = utf8Sequence(raw, i, value);
        if (end < 0) {
          return refuse(why, Problem.INVALID_UTF8);
        }
        for (int j = i; j < end; j++) {
          decoded.append(Character.toUpperCase(raw.charAt(j)));
        }
        i = end;
        continue;
      }
      if (decodable((char) value)) {
        decoded.append((char) value);
      } else {
        decoded.append('%').append(HEX[value >> 4]).append(HEX[value & 0xf]);
      }
      i += 3;
    }
    // Pass 2: merge slashes, resolve dot segments, refuse dot segments in disguise.
    String path = decoded.toString();
    int[] starts = new int[countSlashes(path) + 1];
    StringBuilder out = new StringBuilder(path.length());
    int depth = 0;
    int segmentStart = 1;
    boolean trailingSlash = false;
    while (segmentStart <= path.length()) {
      int slash = path.indexOf('/', segmentStart);
      int end = slash < 0 ? path.length() : slash;
      boolean last = slash < 0;
      if (end == segmentStart) {
        // An empty segment: "//" merged; a final one means the path ends with "/".
        if (last) {
          trailingSlash = true;
        }
      } else if (isDot(path, segmentStart, end, 1)) {
        trailingSlash = true;
      } else if (isDot(path, segmentStart, end, 2)) {
        if (depth > 0) {
          out.setLength(starts[--depth]);
        }
        trailingSlash = true;
      } else {
        if (hidesDotSegment(path, segmentStart, end)) {
          return refuse(why, Problem.HIDDEN_DOT_SEGMENT);
        }
        starts[depth++] = out.length();
        out.append('/').append(path, segmentStart, end);
        trailingSlash = false;
      }
      if (last) {
        break;
      }
      if (end + 1 == path.length()) {
        trailingSlash = true;
        break;
      }
      segmentStart = end + 1;
    }
    if (out.length() == 0 || trailingSlash) {
      out.append('/');
    }
    String result = out.toString();
    return result.equals(raw) ? raw : result;
  }

  private static String refuse(Problem[] why, Problem problem) {
    if (why != null) {
      why[0] = problem;
    }
    return null;
  }

  private static int countSlashes(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '/') {
        n++;
      }
    }
    return n;
  }

  private static boolean isDot(String s, int start, int end, int dots) {
    if (end - start != dots) {
      return false;
    }
    for (int i = start; i < end; i++) {
      if (s.charAt(i) != '.') {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether some piece of the segment, split at encoded separators and with {@code ;} parameters
   * stripped, is {@code .} or {@code ..}: another reader of the path would see a dot segment.
   */
  private static boolean hidesDotSegment(String s, int start, int end) {
    boolean disguised = false;
    for (int i = start; i < end && !disguised; i++) {
      disguised = s.charAt(i) == ';' || isEncodedSeparator(s, i, end);
    }
    if (!disguised) {
      return false;
    }
    int pieceStart = start;
    int i = start;
    while (true) {
      boolean atEnd = i >= end;
      if (atEnd || isEncodedSeparator(s, i, end)) {
        int pieceEnd = i;
        int semicolon = s.indexOf(';', pieceStart);
        if (semicolon >= 0 && semicolon < pieceEnd) {
          pieceEnd = semicolon;
        }
        if (isDot(s, pieceStart, pieceEnd, 1) || isDot(s, pieceStart, pieceEnd, 2)) {
          return true;
        }
        if (atEnd) {
          return false;
        }
        i += 3;
        pieceStart = i;
      } else {
        i++;
      }
    }
  }

  /** {@code %2F} or {@code %5C} at {@code i} (pass 1 has upper-cased every encoding). */
  private static boolean isEncodedSeparator(String s, int i, int end) {
    return i + 2 < end
        && s.charAt(i) == '%'
        && ((s.charAt(i + 1) == '2' && s.charAt(i + 2) == 'F')
            || (s.charAt(i + 1) == '5' && s.charAt(i + 2) == 'C'));
  }

  /** The byte of a {@code %XX} at {@code at}, or -1 when malformed. */
  private static int hexByte(String s, int at) {
    if (at + 2 >= s.length()) {
      return -1;
    }
    char h = s.charAt(at + 1);
    char l = s.charAt(at + 2);
    if (h > 0x7f || l > 0x7f) {
      return -1;
    }
    int high = Character.digit(h, 16);
    int low = Character.digit(l, 16);
    return high < 0 || low < 0 ? -1 : high << 4 | low;
  }

  /**
   * The end (exclusive) of the well-formed, shortest-form UTF-8 sequence of percent-encoded bytes
   * starting at {@code at} with lead byte {@code lead}, or -1 (RFC 3629 §4).
   */
  private static int utf8Sequence(String s, int at, int lead) {
    int count;
    int min2 = 0x80;
    int max2 = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      count = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      count = 2;
      if (lead == 0xe0) {
        min2 = 0xa0;
      } else if (lead == 0xed) {
        max2 = 0x9f;
      }
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      count = 3;
      if (lead == 0xf0) {
        min2 = 0x90;
      } else if (lead == 0xf4) {
        max2 = 0x8f;
      }
    } else {
      return -1;
    }
    int i = at + 3;
    for (int k = 0; k < count; k++) {
      if (i >= s.length() || s.charAt(i) != '%') {
        return -1;
      }
      int b = hexByte(s, i);
      int min = k == 0 ? min2 : 0x80;
      int max = k == 0 ? max2 : 0xbf;
      if (b < min || b > max) {
        return -1;
      }
      i += 3;
    }
    return i;
  }

  /** Characters every origin reads the same encoded or not; all allowed in path patterns. */
  private static boolean decodable(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~'
        || c == '$'
        || c == '\''
        || c == '@'
        || c == ':'
        || c == '+'
        || c == '&';
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
