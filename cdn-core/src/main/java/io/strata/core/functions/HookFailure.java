package io.strata.core.functions;

/**
 * A Lambda@Edge function failed or answered something unusable. {@code resultType} is CloudFront's
 * name for it ({@code LambdaExecutionError}, {@code LambdaValidationError}, {@code
 * LambdaLimitExceeded}), shown to the viewer as {@code X-Cache: <resultType> from strata}.
 */
final class HookFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String EXECUTION = "LambdaExecutionError";
  static final String VALIDATION = "LambdaValidationError";
  static final String LIMIT = "LambdaLimitExceeded";

  private final String resultType;

  HookFailure(String resultType, String message) {
    super(message, null, false, false);
    this.resultType = resultType;
  }

  static HookFailure invalid(String message) {
    return new HookFailure(VALIDATION, message);
  }

  String resultType() {
    return resultType;
  }

  /** CloudFront: 503 when the function is throttled, 502 otherwise. */
  int status() {
    return resultType.equals(LIMIT) ? 503 : 502;
  }
}
