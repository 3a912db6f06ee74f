package io.strata.control;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the path parameters of a matched admin API route before any handler or query sees them:
 * every id in a path is 1 to 128 characters of {@code A-Z a-z 0-9 . _ : -} starting with a letter
 * or digit (the union of resource, node, token and job ids). Anything else — {@code ..}, an encoded
 * slash, quotes, SQL or shell metacharacters, non-ASCII, an over-long id — is a 400 with a JSON
 * error naming the parameter, rather than a lookup that cannot succeed.
 */
final class PathParams {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final int ECHOED = 64;

  private PathParams() {}

  /** The error for the first bad parameter, or {@code null} when all are well-formed. */
  static ApiError check(Map<String, String> params) {
    for (Map.Entry<String, String> e : params.entrySet()) {
      String value = e.getValue();
      if (!ID.matcher(value).matches()) {
        String shown = value.length() > ECHOED ? value.substring(0, ECHOED) + "..." : value;
        return ApiError.invalid(
            List.of(
                new ApiError.Problem(
                    e.getKey(),
                    "'"
                        + shown
                        + "' ("
                        + value.length()
                        + " characters; expected: 1 to 128 of A-Z a-z 0-9 . _ : -, starting with"
                        + " a letter or digit)")));
      }
    }
    return null;
  }
}
