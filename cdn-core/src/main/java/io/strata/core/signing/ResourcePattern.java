package io.strata.core.signing;

import java.util.Locale;

/**
 * Matches a custom policy's {@code Resource} against a request URL by CloudFront's rules. The
 * pattern and the URL are split into protocol, domain, path and query sections and each section is
 * matched on its own, so a wildcard never spills into the next section. {@code *} matches any run
 * of characters, {@code ?} exactly one. Exceptions, as in the CloudFront guide: a trailing {@code
 * *} in the path also allows any query; a trailing {@code *} in the domain allows any path and
 * query; a pattern without {@code ://} allows any protocol; {@code *} alone matches everything. The
 * guide writes the query separator as {@code \?}; SDKs write a plain {@code ?}: both are accepted.
 */
public final class ResourcePattern {
  private ResourcePattern() {}

  /**
   * @param pattern the policy's {@code Resource}
   * @param scheme {@code http} or {@code https}
   * @param authority the requested host, with the port if the viewer sent one
   * @param path the requested path
   * @param query the viewer's own query string without signing parameters; empty for none
   */
  public static boolean matches(
      String pattern, String scheme, String authority, String path, String query) {
    if (pattern.equals("*")) {
      return true;
    }
    String protocolPattern = "*";
    String rest = pattern;
    int separator = pattern.indexOf("://");
    if (separator >= 0) {
      protocolPattern = pattern.substring(0, separator);
      rest = pattern.substring(separator + 3);
    }
    if (!glob(protocolPattern, scheme)) {
      return false;
    }
    int slash = rest.indexOf('/');
    String domainPattern = slash < 0 ? rest : rest.substring(0, slash);
    if (!domainMatches(
        domainPattern.toLowerCase(Locale.ROOT), authority.toLowerCase(Locale.ROOT))) {
      return false;
    }
    if (slash < 0) {
      // A trailing '*' in the domain allows any path and query; otherwise only the root.
      return domainPattern.endsWith("*") || (path.equals("/") && query.isEmpty());
    }
    String pathAndQuery = rest.substring(slash);
    int escaped = pathAndQuery.indexOf("\\?");
    if (escaped >= 0) {
      return pathAndQueryMatch(
          pathAndQuery.substring(0, escaped), pathAndQuery.substring(escaped + 2), path, query);
    }
    int literal = pathAndQuery.indexOf('?');
    if (literal >= 0
        && pathAndQueryMatch(
            pathAndQuery.substring(0, literal), pathAndQuery.substring(literal + 1), path, query)) {
      return true;
    }
    return pathAndQueryMatch(pathAndQuery, null, path, query);
  }

  private static boolean domainMatches(String pattern, String authority) {
    if (glob(pattern, authority)) {
      return true;
    }
    // A policy names the host; a viewer on a non-default port sends host:port.
    int colon = authority.lastIndexOf(':');
    return colon > 0
        && authority.indexOf(']') < colon
        && glob(pattern, authority.substring(0, colon));
  }

  private static boolean pathAndQueryMatch(
      String pathPattern, String queryPattern, String path, String query) {
    if (!glob(pathPattern, path)) {
      return false;
    }
    if (queryPattern != null) {
      return glob(queryPattern, query);
    }
    return query.isEmpty() || pathPattern.endsWith("*");
  }

  /** Glob with {@code *} and {@code ?}, linear in practice (greedy with one backtrack point). */
  static boolean glob(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length()
          && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
