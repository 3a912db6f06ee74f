package io.strata.core.control;

import io.strata.core.routing.PathNormalizer;

/**
 * One path of an invalidation, with CloudFront's rules: case-sensitive; it must start with {@code
 * /}; {@code *} may appear only as the last character, where it matches any run of characters
 * ({@code /*} is everything, {@code /images/*} everything under {@code /images/}). A query string
 * in the path is ignored: Strata's cache key has no query for cached behaviors, so one path already
 * covers every query, header and cookie variant of the object.
 *
 * @param prefix the literal part, without the {@code *} and without any query
 * @param wildcard whether the path ended with {@code *}
 */
public record InvalidationPath(String prefix, boolean wildcard) {

  /** CloudFront's longest invalidation path. */
  public static final int MAX_LENGTH = 4000;

  /**
   * Parses an invalidation path.
   *
   * @throws IllegalArgumentException with a message of the form {@code '/a*b' (expected: ...)}
   */
  public static InvalidationPath parse(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      throw new IllegalArgumentException(
          (path == null ? "null" : "'" + path + "'") + " (expected: a path starting with /)");
    }
    if (path.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a path of " + path.length() + " characters (expected: at most " + MAX_LENGTH + ")");
    }
    int star = path.indexOf('*');
    if (star >= 0 && star != path.length() - 1) {
      throw new IllegalArgumentException(
          "'" + path + "' (expected: '*' only as the last character)");
    }
    boolean wildcard = star >= 0;
    String literal = wildcard ? path.substring(0, path.length() - 1) : path;
    int query = literal.indexOf('?');
    if (query >= 0) {
      // '/a?x=1' and '/a?*' both name the object stored for '/a'.
      return new InvalidationPath(canonical(literal.substring(0, query)), false);
    }
    return new InvalidationPath(canonical(literal), wildcard);
  }

  /**
   * Cache keys hold canonical paths ({@link PathNormalizer}), so '/%64ocs/a' must invalidate what
   * '/docs/a' stored. A path the normaliser refuses can name no stored object; it is kept as is.
   */
  private static String canonical(String literal) {
    String canonical = PathNormalizer.normalize(literal);
    return canonical == null ? literal : canonical;
  }

  /** Whether the cached object stored under {@code keyPath} (no query) is covered. */
  public boolean matches(String keyPath) {
    return wildcard ? keyPath.startsWith(prefix) : keyPath.equals(prefix);
  }
}
