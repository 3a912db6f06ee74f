package io.strata.core.config;

import static java.util.Objects.requireNonNull;

import io.strata.core.routing.PathPattern;

/**
 * A cache behaviour: the requests whose path matches {@code pathPattern} go to {@code origin} and
 * are cached by {@code cachePolicy}.
 *
 * @param pathPattern the path pattern; {@code *} for a distribution's default behaviour
 * @param origin the id of an origin of the same distribution
 * @param cachePolicy the TTL bounds; {@code null} means {@link CachePolicy#DEFAULT}
 * @param compress compress responses for viewers that accept it, with CloudFront's rules
 * @param viewer viewer-facing settings; {@code null} means {@link ViewerSettings#DEFAULT}
 * @param lambdaFunctionAssociations Lambda@Edge origin-request / origin-response functions, at most
 *     one per event type; {@code null} means none
 */
public record Behavior(
    PathPattern pathPattern,
    String origin,
    CachePolicy cachePolicy,
    boolean compress,
    ViewerSettings viewer,
    java.util.List<LambdaFunctionAssociation> lambdaFunctionAssociations) {

  /**
   * Validates the fields and defaults a missing cache policy.
   *
   * @throws InvalidValueException if {@code origin} is not a valid id
   */
  public Behavior {
    requireNonNull(pathPattern, "pathPattern");
    Syntax.checkId("origin", origin);
    if (cachePolicy == null) {
      cachePolicy = CachePolicy.DEFAULT;
    }
    if (viewer == null) {
      viewer = ViewerSettings.DEFAULT;
    }
    lambdaFunctionAssociations =
        lambdaFunctionAssociations == null
            ? java.util.List.of()
            : java.util.List.copyOf(lambdaFunctionAssociations);
    java.util.Set<LambdaFunctionAssociation.EventType> seen = new java.util.HashSet<>();
    for (int i = 0; i < lambdaFunctionAssociations.size(); i++) {
      if (!seen.add(lambdaFunctionAssociations.get(i).eventType())) {
        throw new InvalidValueException(
            "lambdaFunctionAssociations[" + i + "].eventType",
            lambdaFunctionAssociations.get(i).eventType().wire()
                + " (expected: at most one function per event type)");
      }
    }
  }

  /** Creates a behaviour without Lambda@Edge functions. */
  public Behavior(
      PathPattern pathPattern,
      String origin,
      CachePolicy cachePolicy,
      boolean compress,
      ViewerSettings viewer) {
    this(pathPattern, origin, cachePolicy, compress, viewer, java.util.List.of());
  }

  /** The function attached for {@code type}, or null. */
  public LambdaFunctionAssociation function(LambdaFunctionAssociation.EventType type) {
    for (LambdaFunctionAssociation a : lambdaFunctionAssociations) {
      if (a.eventType() == type) {
        return a;
      }
    }
    return null;
  }

  /** Creates a behaviour without compression and with {@link ViewerSettings#DEFAULT}. */
  public Behavior(PathPattern pathPattern, String origin, CachePolicy cachePolicy) {
    this(pathPattern, origin, cachePolicy, false, ViewerSettings.DEFAULT);
  }

  /**
   * Creates a behaviour with {@link CachePolicy#DEFAULT}.
   *
   * @param pathPattern the path pattern
   * @param origin the id of an origin of the same distribution
   */
  public Behavior(PathPattern pathPattern, String origin) {
    this(pathPattern, origin, CachePolicy.DEFAULT, false, ViewerSettings.DEFAULT);
  }
}
