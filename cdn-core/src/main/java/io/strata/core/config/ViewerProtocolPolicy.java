package io.strata.core.config;

import java.util.Locale;

/** CloudFront's {@code ViewerProtocolPolicy}: what a plain-HTTP viewer request gets. */
public enum ViewerProtocolPolicy {
  /** HTTP and HTTPS are both served. */
  ALLOW_ALL,
  /** HTTP gets 301 (GET, HEAD) or 307 (other methods) to the same URL over HTTPS. */
  REDIRECT_TO_HTTPS,
  /** HTTP gets 403. */
  HTTPS_ONLY;

  /**
   * The configuration spelling: {@code allow-all}, {@code redirect-to-https}, {@code https-only}.
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @throws InvalidValueException if {@code text} is none of the three values
   */
  public static ViewerProtocolPolicy parse(String field, String text) {
    for (ViewerProtocolPolicy policy : values()) {
      if (policy.wireName().equals(text)) {
        return policy;
      }
    }
    throw new InvalidValueException(
        field, Syntax.quote(text) + " (expected: allow-all, redirect-to-https or https-only)");
  }
}
