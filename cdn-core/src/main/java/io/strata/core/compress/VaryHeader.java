package io.strata.core.compress;

import java.util.List;

/** Adds {@code Accept-Encoding} to a response's {@code Vary} when the edge may compress it. */
public final class VaryHeader {

  /** The field name added. */
  public static final String ACCEPT_ENCODING = "Accept-Encoding";

  private VaryHeader() {}

  /**
   * The {@code Vary} value that also names {@code Accept-Encoding}.
   *
   * <ul>
   *   <li>{@code null} or blank → {@code Accept-Encoding};
   *   <li>a value with a {@code *} member → {@code *} (it already varies on everything);
   *   <li>a value that names {@code Accept-Encoding} in any case → unchanged;
   *   <li>otherwise the value (trailing commas and whitespace removed) followed by {@code ,
   *       Accept-Encoding}.
   * </ul>
   *
   * Never throws.
   */
  public static String withAcceptEncoding(String vary) {
    if (vary == null || vary.isBlank()) {
      return ACCEPT_ENCODING;
    }
    int n = vary.length();
    int i = 0;
    while (i < n) {
      char c = vary.charAt(i);
      // Any whitespace or control character around a member is padding (the final strip() below
      // removes the same set), so " *" and "\u000b*" are both the "*" member.
      if (c == ',' || isPadding(c)) {
        i++;
        continue;
      }
      int end = i;
      while (end < n && vary.charAt(end) != ',') {
        end++;
      }
      int last = end;
      while (last > i && isPadding(vary.charAt(last - 1))) {
        last--;
      }
      int len = last - i;
      if (len == 1 && vary.charAt(i) == '*') {
        return "*";
      }
      if (len == ACCEPT_ENCODING.length() && vary.regionMatches(true, i, ACCEPT_ENCODING, 0, len)) {
        return vary;
      }
      i = end;
    }
    int end = n;
    while (end > 0 && (vary.charAt(end - 1) == ',' || isPadding(vary.charAt(end - 1)))) {
      end--;
    }
    return vary.substring(0, end).strip() + ", " + ACCEPT_ENCODING;
  }

  private static boolean isPadding(char c) {
    return c <= ' ' || Character.isWhitespace(c);
  }

  /** As {@link #withAcceptEncoding(String)} for all {@code Vary} field lines of a response. */
  public static String withAcceptEncoding(List<String> values) {
    if (values == null || values.isEmpty()) {
      return ACCEPT_ENCODING;
    }
    return withAcceptEncoding(values.size() == 1 ? values.get(0) : String.join(", ", values));
  }
}
