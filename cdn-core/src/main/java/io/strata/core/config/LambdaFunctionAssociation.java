package io.strata.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function attached to a behavior as a Lambda@Edge trigger, in CloudFront's shape ({@code
 * LambdaFunctionAssociation}): which event runs it, which function (and version or alias), and
 * whether the request body is passed.
 *
 * <p>Only the origin-facing events are supported: they run at the tier that talks to the origin,
 * where a cache miss is filled. The viewer events ({@code viewer-request}, {@code viewer-response})
 * are refused with a clear message rather than silently ignored.
 *
 * @param eventType when the function runs
 * @param functionName the function's name in the function runtime
 * @param qualifier a version number or alias, or null for {@code $LATEST}
 * @param includeBody pass the request body to an origin-request function
 */
public record LambdaFunctionAssociation(
    EventType eventType, String functionName, String qualifier, boolean includeBody) {

  /** The Lambda@Edge events Strata runs. */
  public enum EventType {
    ORIGIN_REQUEST("origin-request"),
    ORIGIN_RESPONSE("origin-response");

    private final String wire;

    EventType(String wire) {
      this.wire = wire;
    }

    /** CloudFront's name, as in the event's {@code cf.config.eventType}. */
    public String wire() {
      return wire;
    }

    static EventType parse(String field, String text) {
      for (EventType t : values()) {
        if (t.wire.equals(text)) {
          return t;
        }
      }
      String lower = text == null ? "" : text.toLowerCase(Locale.ROOT);
      String why =
          lower.startsWith("viewer-")
              ? " (expected: origin-request or origin-response; viewer events are not supported)"
              : " (expected: origin-request or origin-response)";
      throw new InvalidValueException(field, Syntax.quote(String.valueOf(text)) + why);
    }
  }

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Pattern QUALIFIER = Pattern.compile("\\$LATEST|[0-9]+|[a-zA-Z0-9_-]{1,128}");

  /** {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]}. */
  private static final Pattern ARN =
      Pattern.compile("arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]*:[0-9]*:function:([^:]+)(?::([^:]+))?");

  public LambdaFunctionAssociation {
    if (eventType == null) {
      throw new InvalidValueException("eventType", "missing (expected: origin-request or ...)");
    }
    if (functionName == null || !NAME.matcher(functionName).matches()) {
      throw new InvalidValueException(
          "lambdaFunctionArn",
          Syntax.quote(String.valueOf(functionName))
              + " (expected: a function name of 1-64 of a-z A-Z 0-9 _ -)");
    }
    if (qualifier != null && !QUALIFIER.matcher(qualifier).matches()) {
      throw new InvalidValueException(
          "lambdaFunctionArn",
          Syntax.quote(qualifier) + " (expected: a version number, an alias or $LATEST)");
    }
  }

  /**
   * Parses the function reference: a Lambda ARN ({@code
   * arn:aws:lambda:us-east-1:123456789012:function:name:3}, as CloudFront takes it) or {@code
   * name[:qualifier]}.
   */
  public static LambdaFunctionAssociation of(
      String eventType, String function, boolean includeBody) {
    EventType type = EventType.parse("eventType", eventType);
    if (function == null || function.isBlank()) {
      throw new InvalidValueException(
          "lambdaFunctionArn", "missing (expected: a Lambda ARN or name[:qualifier])");
    }
    String name;
    String qualifier;
    Matcher arn = ARN.matcher(function);
    if (arn.matches()) {
      name = arn.group(1);
      qualifier = arn.group(2);
    } else if (function.startsWith("arn:")) {
      throw new InvalidValueException(
          "lambdaFunctionArn",
          Syntax.quote(function)
              + " (expected: arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])");
    } else {
      int colon = function.indexOf(':');
      name = colon < 0 ? function : function.substring(0, colon);
      qualifier = colon < 0 ? null : function.substring(colon + 1);
    }
    return new LambdaFunctionAssociation(type, name, qualifier, includeBody);
  }

  /** {@code name} or {@code name:qualifier}, as the Invoke API takes it. */
  public String target() {
    return qualifier == null ? functionName : functionName + ":" + qualifier;
  }
}
