package io.strata.functions.invoke;

import io.strata.functions.model.LambdaException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code FunctionName} path parameter in any of Lambda's forms: {@code name}, {@code
 * name:qualifier}, a full ARN or a partial ARN ({@code 123456789012:function:name}).
 */
record FunctionName(String name, String qualifier) {
  private static final Pattern FORM =
      Pattern.compile(
          "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
              + "([a-zA-Z0-9-_.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");

  static FunctionName parse(String value) {
    if (value == null || value.length() > 256) {
      throw LambdaException.invalidParameter(
          "FunctionName: '" + value + "' (expected: 1-256 characters)");
    }
    Matcher m = FORM.matcher(value);
    if (!m.matches() || m.group(7).length() > 64) {
      throw LambdaException.invalidParameter(
          "FunctionName: '" + value + "' (expected: name, name:qualifier or a function ARN)");
    }
    return new FunctionName(m.group(7), m.group(9));
  }
}
