package io.strata.core.config;

import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * CloudFront's three sets of allowed methods. A request with another method is refused with 403, as
 * CloudFront does ({@code 405} would be the generic HTTP answer; CloudFront's is kept so that
 * clients see the same behaviour).
 */
public enum AllowedMethods {
  GET_HEAD(Set.of("GET", "HEAD")),
  GET_HEAD_OPTIONS(Set.of("GET", "HEAD", "OPTIONS")),
  ALL(Set.of("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"));

  private final Set<String> methods;

  AllowedMethods(Set<String> methods) {
    this.methods = methods;
  }

  public boolean allows(HttpMethod method) {
    return methods.contains(method.name());
  }

  public Set<String> methods() {
    return methods;
  }

  /**
   * @throws InvalidValueException unless {@code names} is exactly one of the three sets
   */
  public static AllowedMethods parse(String field, List<String> names) {
    Set<String> given = new LinkedHashSet<>(names);
    for (AllowedMethods set : values()) {
      if (set.methods.equals(given)) {
        return set;
      }
    }
    throw new InvalidValueException(
        field,
        names
            + " (expected: [GET, HEAD], [GET, HEAD, OPTIONS] or"
            + " [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE])");
  }
}
