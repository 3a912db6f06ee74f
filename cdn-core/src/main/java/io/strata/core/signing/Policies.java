package io.strata.core.signing;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The one place that writes CloudFront policy statements. A canned policy is never transmitted:
 * signer and verifier must produce the same bytes, so both call {@link #canned}.
 */
public final class Policies {
  private Policies() {}

  /**
   * The canned policy for {@code resource} expiring at {@code expiresEpochSeconds}, byte for byte
   * as CloudFront rebuilds it: {@code
   * {"Statement":[{"Resource":"<url>","Condition":{"DateLessThan":{"AWS:EpochTime":N}}}]}}.
   */
  public static String canned(String resource, long expiresEpochSeconds) {
    return "{\"Statement\":[{\"Resource\":\""
        + escape(resource)
        + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
        + expiresEpochSeconds
        + "}}}]}";
  }

  /**
   * A custom policy without whitespace, as the CloudFront guide writes it.
   *
   * @param resource the URL or wildcard pattern; {@code null} to leave {@code Resource} out
   * @param notBeforeEpochSeconds {@code DateGreaterThan}, or {@code null}
   * @param sourceIp {@code AWS:SourceIp} CIDR, or {@code null}
   */
  public static String custom(
      String resource, long expiresEpochSeconds, Long notBeforeEpochSeconds, String sourceIp) {
    StringBuilder json = new StringBuilder("{\"Statement\":[{");
    if (resource != null) {
      json.append("\"Resource\":\"").append(escape(resource)).append("\",");
    }
    json.append("\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":")
        .append(expiresEpochSeconds)
        .append('}');
    if (sourceIp != null) {
      json.append(",\"IpAddress\":{\"AWS:SourceIp\":\"").append(escape(sourceIp)).append("\"}");
    }
    if (notBeforeEpochSeconds != null) {
      json.append(",\"DateGreaterThan\":{\"AWS:EpochTime\":")
          .append(notBeforeEpochSeconds)
          .append('}');
    }
    return json.append("}}]}").toString();
  }

  private static String escape(String text) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(text));
  }
}
