package io.strata.core.config;

/**
 * How a node judges an upstream host (an origin, or a regional node seen from an edge) healthy.
 *
 * <p>Active checks run only when {@code path} is set: every {@code intervalMs} a GET of {@code
 * path} is sent off the request path; {@code unhealthyThreshold} failed checks in a row take the
 * host out, {@code healthyThreshold} good ones in a row bring it back. Passive outlier detection
 * always runs: {@code consecutiveFailures} failed requests in a row (connect failure, timeout,
 * reset, or a 5xx from an origin) eject the host for {@code ejectionMs}, doubled at each ejection
 * that follows another (capped at 10×), and reset by a success.
 *
 * @param path the path checked, starting with {@code /}; null for no active checks
 * @param intervalMs the time between two checks, 100..300000
 * @param timeoutMs the time a check may take, 1..60000
 * @param healthyThreshold good checks in a row that make an unhealthy host healthy, 1..100
 * @param unhealthyThreshold failed checks in a row that make a healthy host unhealthy, 1..100
 * @param consecutiveFailures failed requests in a row that eject the host, 1..1000
 * @param ejectionMs the first ejection's length, 100..3600000
 */
public record HealthCheck(
    String path,
    int intervalMs,
    int timeoutMs,
    int healthyThreshold,
    int unhealthyThreshold,
    int consecutiveFailures,
    int ejectionMs) {

  public static final int DEFAULT_INTERVAL_MS = 5_000;
  public static final int DEFAULT_TIMEOUT_MS = 2_000;
  public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  public static final int DEFAULT_EJECTION_MS = 10_000;

  /** No active checks; passive outlier detection with the defaults. */
  public static final HealthCheck PASSIVE_ONLY =
      new HealthCheck(
          null,
          DEFAULT_INTERVAL_MS,
          DEFAULT_TIMEOUT_MS,
          DEFAULT_HEALTHY_THRESHOLD,
          DEFAULT_UNHEALTHY_THRESHOLD,
          DEFAULT_CONSECUTIVE_FAILURES,
          DEFAULT_EJECTION_MS);

  /**
   * Validates the fields.
   *
   * @throws InvalidValueException naming the offending field
   */
  public HealthCheck {
    if (path != null && (!path.startsWith("/") || path.length() > 1024 || !printable(path))) {
      throw new InvalidValueException(
          "path", Syntax.quote(path) + " (expected: a path starting with '/', printable ASCII)");
    }
    range("intervalMs", intervalMs, 100, 300_000);
    range("timeoutMs", timeoutMs, 1, 60_000);
    range("healthyThreshold", healthyThreshold, 1, 100);
    range("unhealthyThreshold", unhealthyThreshold, 1, 100);
    range("consecutiveFailures", consecutiveFailures, 1, 1_000);
    range("ejectionMs", ejectionMs, 100, 3_600_000);
  }

  /** Whether active checks run. */
  public boolean active() {
    return path != null;
  }

  /** The same settings with active checks of {@code checkPath}. */
  public HealthCheck withPath(String checkPath) {
    return new HealthCheck(
        checkPath,
        intervalMs,
        timeoutMs,
        healthyThreshold,
        unhealthyThreshold,
        consecutiveFailures,
        ejectionMs);
  }

  private static boolean printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidValueException(field, value + " (expected: " + min + ".." + max + ")");
    }
  }
}
