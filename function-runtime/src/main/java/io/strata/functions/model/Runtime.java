package io.strata.functions.model;

/** The runtimes Strata runs, by their Lambda identifiers. */
public enum Runtime {
  JAVA17("java17"),
  NODEJS20("nodejs20.x"),
  PYTHON3("python3.12"),
  PROVIDED("provided.al2023");

  private final String id;

  Runtime(String id) {
    this.id = id;
  }

  /** The identifier reported by GetFunction (Lambda's own spelling). */
  public String id() {
    return id;
  }

  /**
   * Accepts Strata's short names ({@code java17}, {@code nodejs20}, {@code python3}, {@code
   * provided}) and Lambda's identifiers for the same runtimes ({@code nodejs20.x}, {@code
   * python3.x}, {@code provided.al2}, {@code provided.al2023}).
   */
  public static Runtime parse(String value) {
    if (value == null) {
      throw LambdaException.invalidParameter("Runtime: missing (expected: " + expected() + ")");
    }
    String v = value.trim();
    if (v.equals("java17")) {
      return JAVA17;
    }
    if (v.equals("nodejs20") || v.equals("nodejs20.x")) {
      return NODEJS20;
    }
    if (v.equals("python3") || v.matches("python3\\.\\d{1,2}")) {
      return PYTHON3;
    }
    if (v.equals("provided") || v.equals("provided.al2") || v.equals("provided.al2023")) {
      return PROVIDED;
    }
    throw LambdaException.invalidParameter(
        "Runtime: '" + value + "' (expected: " + expected() + ")");
  }

  private static String expected() {
    return "java17, nodejs20, python3 or provided";
  }
}
