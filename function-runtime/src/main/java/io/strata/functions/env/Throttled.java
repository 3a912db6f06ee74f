package io.strata.functions.env;

import io.strata.functions.model.LambdaException;

/** 429 {@code TooManyRequestsException} with Lambda's {@code Reason}. */
public final class Throttled extends LambdaException {
  private final String reason;

  public Throttled(String reason) {
    super(429, "TooManyRequestsException", "Rate Exceeded.");
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
