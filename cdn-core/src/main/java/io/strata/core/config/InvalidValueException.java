package io.strata.core.config;

import static java.util.Objects.requireNonNull;

/**
 * A configuration record was given an invalid value. {@link #field()} is the path of the offending
 * field relative to the record being built ({@code connectTimeoutMs}, {@code origins[1].id}), so
 * that {@link ConfigLoader} can point at the line and column it came from. The message is {@code
 * field: problem}, for example {@code connectTimeoutMs: -5 (expected: 1..60000)}.
 */
public final class InvalidValueException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;
  private final String problem;

  /**
   * Creates an exception.
   *
   * @param field the field path relative to the record, such as {@code origins[1].id}
   * @param problem the value and the expectation, such as {@code -5 (expected: 1..60000)}
   */
  public InvalidValueException(String field, String problem) {
    super(requireNonNull(field, "field") + ": " + requireNonNull(problem, "problem"));
    this.field = field;
    this.problem = problem;
  }

  /**
   * Returns the path of the offending field, relative to the record that rejected it.
   *
   * @return the field path
   */
  public String field() {
    return field;
  }

  /**
   * Returns the value and the expectation, without the field path.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }
}
