package io.strata.core.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A distribution's viewer-facing settings: protocol policy, error pages, restrictions, rate limit
 * and TLS certificate.
 *
 * @param viewerProtocolPolicy the default for behaviors that do not set one
 * @param customErrorResponses error pages by status, unique {@code errorCode}s
 * @param restrictions IP and geo restrictions
 * @param rateLimit the per-viewer token bucket, or {@code null} for none
 * @param viewerCertificate the certificate for the aliases, or {@code null} for the default one
 * @param requestLimits URL length and upload size limits
 */
public record EdgeSettings(
    ViewerProtocolPolicy viewerProtocolPolicy,
    List<CustomErrorResponse> customErrorResponses,
    Restrictions restrictions,
    RateLimit rateLimit,
    ViewerCertificate viewerCertificate,
    RequestLimits requestLimits) {
  public static final EdgeSettings DEFAULT =
      new EdgeSettings(
          ViewerProtocolPolicy.ALLOW_ALL,
          List.of(),
          Restrictions.NONE,
          null,
          null,
          RequestLimits.DEFAULT);

  public EdgeSettings {
    if (viewerProtocolPolicy == null) {
      viewerProtocolPolicy = ViewerProtocolPolicy.ALLOW_ALL;
    }
    customErrorResponses =
        customErrorResponses == null ? List.of() : List.copyOf(customErrorResponses);
    checkUniqueCodes("customErrorResponses", customErrorResponses);
    if (restrictions == null) {
      restrictions = Restrictions.NONE;
    }
    if (requestLimits == null) {
      requestLimits = RequestLimits.DEFAULT;
    }
  }

  static void checkUniqueCodes(String field, List<CustomErrorResponse> responses) {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < responses.size(); i++) {
      if (!seen.add(responses.get(i).errorCode())) {
        throw new InvalidValueException(
            field + "[" + i + "].errorCode",
            responses.get(i).errorCode() + " (expected: each errorCode once)");
      }
    }
  }
}
