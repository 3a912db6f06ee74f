package io.strata.core.config;

/**
 * A configuration could not be read or is invalid. The message says where and why, in the form
 * {@code source:line:column: field.path: problem}, for example {@code site.yaml:12:9:
 * distributions[0].origins[0].connectTimeoutMs: -5 (expected: 1..60000)}.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message where and why, as described in the class documentation
   */
  public ConfigException(String message) {
    super(message);
  }

  /**
   * Creates an exception caused by another one (an I/O or YAML syntax error).
   *
   * @param message where and why, as described in the class documentation
   * @param cause the underlying failure
   */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
