package io.strata.core.routing;

import static java.util.Objects.requireNonNull;

import io.strata.core.config.Behavior;
import io.strata.core.config.Distribution;
import io.strata.core.config.Origin;

/**
 * The outcome of behaviour matching for one request: the distribution that owns the host, the cache
 * behaviour whose path pattern matched (or the default behaviour) and the origin that behaviour
 * points at. Later stages read it and never match again.
 *
 * @param distribution the distribution whose aliases contain the request host
 * @param behavior the first matching behaviour, or the distribution's default behaviour
 * @param origin the origin named by {@code behavior}; when it names an origin group, the group's
 *     primary (the upstream tries the secondary on failure)
 */
public record Route(Distribution distribution, Behavior behavior, Origin origin) {

  /**
   * Checks that the three parts are present and consistent.
   *
   * @throws IllegalArgumentException if {@code origin} is not the origin {@code behavior} names
   */
  public Route {
    requireNonNull(distribution, "distribution");
    requireNonNull(behavior, "behavior");
    requireNonNull(origin, "origin");
    if (!behavior.origin().equals(origin.id())
        && !origin.equals(distribution.origin(behavior.origin()))) {
      throw new IllegalArgumentException(
          "origin: '"
              + origin.id()
              + "' (expected: '"
              + behavior.origin()
              + "', the origin of the behavior)");
    }
  }

  /** The custom error responses in force: the behavior's override, else the distribution's. */
  public java.util.List<io.strata.core.config.CustomErrorResponse> customErrorResponses() {
    var own = behavior.viewer().customErrorResponses();
    return own != null ? own : distribution.edge().customErrorResponses();
  }
}
