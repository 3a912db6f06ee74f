package io.strata.core.routing;

import io.strata.core.config.Behavior;

/**
 * Refuses a canonical path that another reader of it would route to a different behavior: the last
 * line of defence between a spelling the matcher sees and the resource an origin serves.
 *
 * <ul>
 *   <li>{@code ;} parameters: Servlet containers (Tomcat, Jetty) drop them before resolving the
 *       path, so {@code /private;x/doc} is {@code /private/doc} to them, and {@code /account;.css}
 *       is {@code /account} (web cache deception). When the path without parameters matches another
 *       behavior than the path itself, the request is refused.
 *   <li>letter case: path patterns are case-sensitive (CloudFront), but case-insensitive origins
 *       (IIS, many S3-compatible stores and file systems) serve {@code /PRIVATE/x} as {@code
 *       /private/x}. When the first behavior matching the path ignoring case is a signed one
 *       ({@code trustedKeyGroups}) other than the matched behavior, the request is refused.
 * </ul>
 *
 * Allocates nothing unless the path carries a {@code ;}.
 */
public final class AliasGuard {

  /** Why a request is refused. */
  public enum Alias {
    PARAMETER("parameter_alias"),
    LETTER_CASE("case_alias");

    private final String tag;

    Alias(String tag) {
      this.tag = tag;
    }

    /** A stable metric tag. */
    public String tag() {
      return tag;
    }
  }

  private AliasGuard() {}

  /**
   * @param router the router {@code route} came from
   * @param host the request's host
   * @param path the canonical path ({@link PathNormalizer#normalize})
   * @param route the route of {@code path}
   * @return {@code null} when the path is unambiguous, else the kind of alias
   */
  public static Alias check(Router router, String host, String path, Route route) {
    Behavior matched = route.behavior();
    if (path.indexOf(';') >= 0) {
      Route withoutParameters = router.route(host, PathNormalizer.withoutParameters(path));
      if (withoutParameters != null && withoutParameters.behavior() != matched) {
        return Alias.PARAMETER;
      }
    }
    if (!matched.viewer().trustedKeyGroups().isEmpty() || !hasSignedBehavior(route)) {
      return null;
    }
    for (Behavior behavior : route.distribution().behaviors()) {
      if (behavior.pathPattern().matchesIgnoringCase(path)) {
        return behavior != matched && !behavior.viewer().trustedKeyGroups().isEmpty()
            ? Alias.LETTER_CASE
            : null;
      }
    }
    return null;
  }

  /** Most distributions have none: then no case-insensitive matching is done at all. */
  private static boolean hasSignedBehavior(Route route) {
    for (Behavior behavior : route.distribution().behaviors()) {
      if (!behavior.viewer().trustedKeyGroups().isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
