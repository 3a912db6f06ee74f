package io.strata.core.http;

/**
 * Entity-tags (RFC 9110 §8.8.3) and their comparison functions (§8.8.3.2), working on the raw
 * header strings without allocating.
 *
 * <p>An entity-tag is {@code [W/]"opaque"} where the opaque part is any run of {@code %x21 /
 * %x23-7E / obs-text} (so it may contain commas, but never a double quote or a space). Values
 * passed in may carry surrounding optional whitespace. No method throws on malformed input:
 * predicates answer {@code false} and list matching answers {@link ListMatch#MALFORMED}.
 * Thread-safe (stateless).
 */
public final class EntityTags {

  /** The outcome of matching an entity-tag against an {@code If-Match}-style list. */
  public enum ListMatch {
    /** The list is {@code *}. */
    ANY,
    /** One member of the list matches. */
    MATCH,
    /** The list is well formed and no member matches. */
    NO_MATCH,
    /** The list is empty or not a valid {@code #entity-tag} list. */
    MALFORMED
  }

  private EntityTags() {}

  /** True when {@code value} (ignoring surrounding whitespace) is one valid entity-tag. */
  public static boolean isValid(String value) {
    if (value == null) {
      return false;
    }
    int start = skipOws(value, 0);
    int end = trimEnd(value, start);
    return start < end && tagEnd(value, start, end) == end;
  }

  /** True when {@code value} is a valid weak entity-tag ({@code W/"..."}). */
  public static boolean isWeak(String value) {
    return isValid(value) && value.startsWith("W/", skipOws(value, 0));
  }

  /** True when {@code value} is a valid strong entity-tag ({@code "..."}). */
  public static boolean isStrong(String value) {
    return isValid(value) && value.charAt(skipOws(value, 0)) == '"';
  }

  /**
   * Strong comparison (§8.8.3.2): both tags valid, neither weak, identical opaque parts.
   *
   * @param a an entity-tag, or {@code null}
   * @param b an entity-tag, or {@code null}
   */
  public static boolean strongEquals(String a, String b) {
    return isStrong(a) && isStrong(b) && sameOpaque(a, b);
  }

  /** Weak comparison (§8.8.3.2): both tags valid, identical opaque parts, weakness ignored. */
  public static boolean weakEquals(String a, String b) {
    return isValid(a) && isValid(b) && sameOpaque(a, b);
  }

  /**
   * Matches {@code etag} against a field value of the form {@code "*" / #entity-tag}, as sent in
   * {@code If-Match} and {@code If-None-Match}. Empty list elements and optional whitespace are
   * allowed (RFC 9110 §5.6.1); commas inside quoted tags do not split the list.
   *
   * @param list the field value (several field lines joined with {@code ","}); {@code null} or
   *     blank gives {@link ListMatch#MALFORMED}
   * @param etag the selected representation's entity-tag; {@code null} or invalid never matches
   * @param strong strong comparison when true (If-Match), weak comparison otherwise (If-None-Match)
   * @return {@link ListMatch#ANY} for {@code *}, otherwise whether a member matches; a list with
   *     any malformed member is {@link ListMatch#MALFORMED}
   */
  public static ListMatch matchList(String list, String etag, boolean strong) {
    if (list == null) {
      return ListMatch.MALFORMED;
    }
    int len = trimEnd(list, 0);
    int i = skipOws(list, 0);
    if (i < len && list.charAt(i) == '*' && skipOws(list, i + 1) >= len) {
      return ListMatch.ANY;
    }
    boolean usable = strong ? isStrong(etag) : isValid(etag);
    boolean matched = false;
    int members = 0;
    while (i < len) {
      char c = list.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int end = tagEnd(list, i, len);
      if (end < 0) {
        return ListMatch.MALFORMED;
      }
      members++;
      if (usable && !matched && (!strong || list.charAt(i) == '"')) {
        matched = opaqueEquals(list, i, end, etag);
      }
      int next = skipOws(list, end);
      if (next < len && list.charAt(next) != ',') {
        return ListMatch.MALFORMED;
      }
      i = next;
    }
    if (members == 0) {
      return ListMatch.MALFORMED;
    }
    return matched ? ListMatch.MATCH : ListMatch.NO_MATCH;
  }

  /**
   * The index just past the entity-tag starting at {@code start}, or -1 when no valid entity-tag
   * starts there (within {@code [start, limit)}).
   */
  static int tagEnd(String s, int start, int limit) {
    int i = start;
    if (s.startsWith("W/", i)) {
      i += 2;
    }
    if (i >= limit || s.charAt(i) != '"') {
      return -1;
    }
    for (i++; i < limit; i++) {
      char c = s.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (!isEtagc(c)) {
        return -1;
      }
    }
    return -1;
  }

  private static boolean isEtagc(char c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
  }

  /** Compares the opaque part of the tag in {@code list[start, end)} with that of {@code etag}. */
  private static boolean opaqueEquals(String list, int start, int end, String etag) {
    int qa = list.charAt(start) == '"' ? start : start + 2;
    int eStart = skipOws(etag, 0);
    int qb = etag.charAt(eStart) == '"' ? eStart : eStart + 2;
    int lenA = end - qa;
    int lenB = trimEnd(etag, eStart) - qb;
    return lenA == lenB && list.regionMatches(qa, etag, qb, lenA);
  }

  private static boolean sameOpaque(String a, String b) {
    int start = skipOws(a, 0);
    return opaqueEquals(a, start, trimEnd(a, start), b);
  }

  static int skipOws(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** The end of {@code s} without trailing optional whitespace, never before {@code floor}. */
  static int trimEnd(String s, int floor) {
    int end = s.length();
    while (end > floor && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return end;
  }
}
