package io.strata.functions.model;

import java.util.regex.Pattern;

/**
 * A named pointer to a version, optionally sending a share of invocations to a second version
 * (Lambda's {@code RoutingConfig.AdditionalVersionWeights} with one entry).
 *
 * @param additionalWeight the probability (0.0–1.0) of running {@code additionalVersion} instead
 */
public record Alias(
    String name,
    String functionVersion,
    String additionalVersion,
    double additionalWeight,
    String description) {
  private static final Pattern NAME = Pattern.compile("(?!^[0-9]+$)([a-zA-Z0-9-_]{1,128})");

  public Alias {
    if (name == null || !NAME.matcher(name).matches() || name.equals("$LATEST")) {
      throw LambdaException.invalidParameter(
          "Name: '" + name + "' (expected: 1-128 of a-z A-Z 0-9 - _, not only digits)");
    }
    if (functionVersion == null || functionVersion.isBlank()) {
      throw LambdaException.invalidParameter("FunctionVersion: missing");
    }
    if (additionalVersion != null) {
      if (!(additionalWeight >= 0.0 && additionalWeight <= 1.0)) {
        throw LambdaException.invalidParameter(
            "RoutingConfig.AdditionalVersionWeights: " + additionalWeight + " (expected: 0.0-1.0)");
      }
      if (additionalVersion.equals(functionVersion)) {
        throw LambdaException.invalidParameter(
            "RoutingConfig.AdditionalVersionWeights: version "
                + additionalVersion
                + " is already the alias's primary version");
      }
      if (functionVersion.equals("$LATEST") || additionalVersion.equals("$LATEST")) {
        throw LambdaException.invalidParameter(
            "RoutingConfig: weighted routing needs published versions, not $LATEST");
      }
    }
  }

  /** Picks the version for one invocation; {@code random} is in [0, 1). */
  public String pick(double random) {
    return additionalVersion != null && random < additionalWeight
        ? additionalVersion
        : functionVersion;
  }
}
