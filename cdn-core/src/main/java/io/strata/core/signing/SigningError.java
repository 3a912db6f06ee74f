package io.strata.core.signing;

/**
 * Why a signed request was refused, with CloudFront's error code and message for the 403 XML body.
 * The messages never say which check failed beyond what CloudFront itself reveals.
 */
public enum SigningError {
  MISSING_KEY("MissingKey", "Missing Key-Pair-Id query parameter or cookie value", "missing_key"),
  UNKNOWN_KEY("InvalidKey", "Unknown Key", "unknown_key"),
  MALFORMED_POLICY("MalformedPolicy", "Malformed Policy", "malformed_policy"),
  BAD_SIGNATURE("AccessDenied", "Access denied", "bad_signature"),
  EXPIRED("AccessDenied", "Access denied", "expired"),
  NOT_YET_VALID("AccessDenied", "Access denied", "not_yet_valid"),
  WRONG_RESOURCE("AccessDenied", "Access denied", "wrong_resource"),
  WRONG_IP("AccessDenied", "Access denied", "wrong_ip");

  private final String code;
  private final String message;
  private final String tag;

  SigningError(String code, String message, String tag) {
    this.code = code;
    this.message = message;
    this.tag = tag;
  }

  /** CloudFront's {@code <Code>}. */
  public String code() {
    return code;
  }

  /** CloudFront's {@code <Message>}. */
  public String message() {
    return message;
  }

  /** The metric tag: says which check failed, for operators only. */
  public String tag() {
    return tag;
  }

  /** The XML body CloudFront sends with a 403 for this error. */
  public String xmlBody() {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message></Error>";
  }
}
