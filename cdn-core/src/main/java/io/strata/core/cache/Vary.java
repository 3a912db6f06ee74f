package io.strata.core.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Secondary cache keys from {@code Vary} (RFC 9111 §4.1): the stored response names request
 * headers, and a later request matches only when its values for them, normalised, are the same.
 * Never throws; lists too long to be reasonable are refused rather than stored.
 */
public final class Vary {
  /** More names than this is refused: it would fragment the cache past usefulness. */
  public static final int MAX_NAMES = 16;

  /** A secondary key longer than this is refused, so request headers cannot bloat the key. */
  public static final int MAX_KEY_CHARS = 2048;

  private Vary() {}

  /** True when any element of the {@code Vary} value is {@code *}. */
  public static boolean isStar(String varyValue) {
    for (String element : varyValue.split(",")) {
      if (element.trim().equals("*")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The header names a stored response varies on: lower-cased, de-duplicated, sorted. Empty when
   * there is no {@code Vary}; null when the list is too long or holds a name that is not an RFC
   * 9110 token.
   */
  public static List<String> names(List<String> varyValues) {
    TreeSet<String> names = new TreeSet<>();
    for (String value : varyValues) {
      for (String element : value.split(",")) {
        String name = element.trim();
        if (name.isEmpty()) {
          continue;
        }
        if (!isToken(name)) {
          return null;
        }
        names.add(name.toLowerCase(Locale.ROOT));
      }
    }
    return names.size() > MAX_NAMES ? null : List.copyOf(names);
  }

  /**
   * The secondary key of a request for a response varying on {@code names}: each name with the
   * request's values joined by commas, whitespace runs folded to one space; {@code normalize} gets
   * the last word per header (e.g. {@code Accept-Encoding} normalisation). Null when too long.
   *
   * @param requestValues the request's values of a header (empty list when absent)
   * @param normalize maps (lower-case name, joined value) to the value to key on
   */
  public static String secondaryKey(
      List<String> names,
      Function<String, List<String>> requestValues,
      java.util.function.BiFunction<String, String, String> normalize) {
    if (names.isEmpty()) {
      return "";
    }
    StringBuilder key = new StringBuilder();
    for (String name : names) {
      List<String> values = requestValues.apply(name);
      List<String> folded = new ArrayList<>(values.size());
      for (String v : values) {
        folded.add(v.trim().replaceAll("\\s+", " "));
      }
      key.append(name)
          .append('=')
          .append(normalize.apply(name, String.join(",", folded)))
          .append('\n');
      if (key.length() > MAX_KEY_CHARS) {
        return null;
      }
    }
    return key.toString();
  }

  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
