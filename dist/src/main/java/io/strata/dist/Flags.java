package io.strata.dist;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags of the form {@code --name value} or {@code --name=value}, each with an
 * environment variable as fallback: flag, then variable, then default.
 */
final class Flags {
  private final Map<String, String> values;
  private final Map<String, String> env;

  private Flags(Map<String, String> values, Map<String, String> env) {
    this.values = values;
    this.env = env;
  }

  /**
   * Parses {@code args}; a flag not in {@code known} or without a value is a {@link
   * UsageException}.
   */
  static Flags parse(List<String> args, Set<String> known, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new UsageException("--" + name + " needs a value");
      }
      if (!known.contains(name)) {
        throw new UsageException(
            "unknown flag --"
                + name
                + " (known: --"
                + String.join(", --", known.stream().sorted().toList())
                + ")");
      }
      values.put(name, value);
    }
    return new Flags(values, env);
  }

  /**
   * The flag's value, else the environment variable's ({@code STRATA_} + upper-case name), else
   * {@code fallback}.
   */
  String get(String name, String fallback) {
    String v = values.get(name);
    if (v == null) {
      v = env.get(envName(name));
    }
    return v == null || v.isBlank() ? fallback : v;
  }

  /** An environment variable by its own name, or null. */
  String getEnv(String variable) {
    String v = env.get(variable);
    return v == null || v.isBlank() ? null : v;
  }

  int positiveInt(String name, int fallback) {
    String v = get(name, Integer.toString(fallback));
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--" + name + ": '" + v + "' (expected: a positive integer)");
  }

  int port(String name, int fallback) {
    String v = get(name, Integer.toString(fallback));
    try {
      int port = Integer.parseInt(v);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + ": '" + v + "' (expected: a port 0..65535)");
    }
  }

  /** A byte size such as {@code 268435456}, {@code 256m}, {@code 2g}. */
  long bytes(String name, long fallback) {
    String v = get(name, null);
    if (v == null) {
      return fallback;
    }
    String s = v.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g') {
      unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      s = s.substring(0, s.length() - 1);
    }
    try {
      long n = Math.multiplyExact(Long.parseLong(s), unit);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(
          "--" + name + ": '" + v + "' (expected: a positive size such as 268435456, 256m or 2g)");
    }
  }

  static String envName(String flag) {
    return "STRATA_" + flag.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /** A mistake in the command line: printed as one line, exit code 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }
}
