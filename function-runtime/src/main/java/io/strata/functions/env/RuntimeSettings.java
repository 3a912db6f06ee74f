package io.strata.functions.env;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the runtime runs environments.
 *
 * @param dataDir bundles, unpacked code, runtime files and per-environment {@code /tmp}
 * @param globalConcurrency the most environments busy at once across all functions (Lambda's
 *     account limit, 1,000 by default)
 * @param idleTimeout how long an idle environment is kept warm before it is stopped
 * @param initTimeout the longest a runtime may take from start to its first {@code /next}
 * @param region reported as {@code AWS_REGION} and in ARNs
 * @param accountId the 12-digit account in ARNs
 */
public record RuntimeSettings(
    Path dataDir,
    int globalConcurrency,
    Duration idleTimeout,
    Duration initTimeout,
    String region,
    String accountId) {

  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(5);
  public static final Duration DEFAULT_INIT = Duration.ofSeconds(10);

  public RuntimeSettings {
    if (dataDir == null) {
      throw new IllegalArgumentException("dataDir: null (expected: a directory)");
    }
    if (globalConcurrency < 1) {
      throw new IllegalArgumentException(
          "globalConcurrency: " + globalConcurrency + " (expected: >= 1)");
    }
    if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
    }
    if (initTimeout == null || initTimeout.isNegative() || initTimeout.isZero()) {
      throw new IllegalArgumentException("initTimeout: " + initTimeout + " (expected: > 0)");
    }
    if (region == null || !region.matches("[a-z]{2}(-gov)?-[a-z]+-\\d")) {
      throw new IllegalArgumentException("region: " + region + " (expected: e.g. us-east-1)");
    }
    if (accountId == null || !accountId.matches("\\d{12}")) {
      throw new IllegalArgumentException("accountId: " + accountId + " (expected: 12 digits)");
    }
  }

  public static RuntimeSettings defaults(Path dataDir) {
    return new RuntimeSettings(
        dataDir, 1000, DEFAULT_IDLE, DEFAULT_INIT, "us-east-1", "000000000000");
  }

  public String functionArn(String name) {
    return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
  }
}
