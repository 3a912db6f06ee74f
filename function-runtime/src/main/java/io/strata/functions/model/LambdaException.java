package io.strata.functions.model;

/**
 * An error answered in Lambda's wire format: the status, {@code x-amzn-ErrorType} and a JSON body
 * {@code {"Type":"User","Message":"..."}}. The AWS SDKs map the type to their exception classes.
 */
public class LambdaException extends RuntimeException {
  private final int status;
  private final String type;

  public LambdaException(int status, String type, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  /**
   * The exception name sent in {@code x-amzn-ErrorType}, e.g. {@code ResourceNotFoundException}.
   */
  public String type() {
    return type;
  }

  public static LambdaException invalidParameter(String message) {
    return new LambdaException(400, "InvalidParameterValueException", message);
  }

  public static LambdaException notFound(String message) {
    return new LambdaException(404, "ResourceNotFoundException", message);
  }

  public static LambdaException conflict(String message) {
    return new LambdaException(409, "ResourceConflictException", message);
  }

  public static LambdaException tooLarge(String message) {
    return new LambdaException(413, "RequestTooLargeException", message);
  }
}
