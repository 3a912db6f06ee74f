package io.strata.core.proxy;

/** Header names and values Strata writes itself. */
public final class StrataHeaders {
  public static final String X_CACHE = "X-Cache";
  public static final String REQUEST_ID = "X-Strata-Request-Id";
  public static final String VIA = "Via";
  public static final String AGE = "Age";
  public static final String X_FORWARDED_FOR = "X-Forwarded-For";

  public static final String HIT = "Hit from strata";
  public static final String MISS = "Miss from strata";
  public static final String REFRESH_HIT = "RefreshHit from strata";
  public static final String ERROR = "Error from strata";

  private StrataHeaders() {}

  /** CloudFront's rule: an error status is labelled {@code Error}, whatever the cache did. */
  public static String xCache(int status, String label) {
    return status >= 400 ? ERROR : label;
  }

  /**
   * Like {@link #xCache(int, String)}, but an error a Lambda@Edge function caused keeps its
   * CloudFront result type ({@code LambdaExecutionError from strata}) at every tier.
   */
  public static String xCache(int status, String label, io.vertx.core.MultiMap headers) {
    String error = status >= 400 ? headers.get("X-Strata-Error") : null;
    return error != null && error.startsWith("Lambda")
        ? error + " from strata"
        : xCache(status, label);
  }

  /** True for headers a tier sets for itself and must not copy from upstream or store. */
  public static boolean isPerTier(String name) {
    return name.equalsIgnoreCase(X_CACHE)
        || name.equalsIgnoreCase(REQUEST_ID)
        || name.equalsIgnoreCase(AGE);
  }
}
