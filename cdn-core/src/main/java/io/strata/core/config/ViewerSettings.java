package io.strata.core.config;

import java.util.List;

/**
 * A behavior's viewer-facing settings (the fields CloudFront keeps on a cache behavior besides
 * caching): protocol policy, methods, trusted key groups, and Strata's per-behavior error pages.
 *
 * @param viewerProtocolPolicy the policy, or {@code null} to use the distribution's
 * @param allowedMethods the methods viewers may use
 * @param cacheOptions whether OPTIONS responses are cached too ({@code cachedMethods} includes
 *     OPTIONS); GET and HEAD always are
 * @param trustedKeyGroups ids of key groups whose keys may sign URLs and cookies; empty when the
 *     behavior serves public content
 * @param customErrorResponses error pages for this behavior only, or {@code null} to use the
 *     distribution's (Strata's addition to CloudFront, so {@code /api/*} can answer JSON errors)
 * @param responseHeadersPolicy the id of a response headers policy, or {@code null}
 */
public record ViewerSettings(
    ViewerProtocolPolicy viewerProtocolPolicy,
    AllowedMethods allowedMethods,
    boolean cacheOptions,
    List<String> trustedKeyGroups,
    List<CustomErrorResponse> customErrorResponses,
    String responseHeadersPolicy) {
  /**
   * Inherit the protocol policy and error responses, allow every method (so unsafe methods pass
   * through to the origin as they always have; CloudFront's console default is GET and HEAD only),
   * cache GET and HEAD, no signing, no response headers policy.
   */
  public static final ViewerSettings DEFAULT =
      new ViewerSettings(null, AllowedMethods.ALL, false, List.of(), null, null);

  public ViewerSettings {
    if (allowedMethods == null) {
      allowedMethods = AllowedMethods.ALL;
    }
    trustedKeyGroups = trustedKeyGroups == null ? List.of() : List.copyOf(trustedKeyGroups);
    for (int i = 0; i < trustedKeyGroups.size(); i++) {
      Syntax.checkId("trustedKeyGroups[" + i + "]", trustedKeyGroups.get(i));
    }
    if (trustedKeyGroups.size() > 4) {
      throw new InvalidValueException(
          "trustedKeyGroups", trustedKeyGroups + " (expected: at most 4 key groups)");
    }
    customErrorResponses = customErrorResponses == null ? null : List.copyOf(customErrorResponses);
    if (cacheOptions && allowedMethods == AllowedMethods.GET_HEAD) {
      throw new InvalidValueException(
          "cachedMethods", "[GET, HEAD, OPTIONS] (expected: OPTIONS among allowedMethods)");
    }
    if (responseHeadersPolicy != null) {
      Syntax.checkId("responseHeadersPolicy", responseHeadersPolicy);
    }
  }
}
