package io.strata.functions.model;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The configuration of one function version, validated against Lambda's limits. Immutable; a change
 * to {@code $LATEST} makes a new instance.
 *
 * @param reservedConcurrency the most environments the function may use at once; {@code null} =
 *     only the global limit applies; {@code 0} throttles every invocation
 * @param ephemeralStorageMb the size of {@code /tmp} (512–10,240 MB)
 */
public record FunctionConfig(
    String name,
    Runtime runtime,
    String handler,
    int memoryMb,
    int timeoutSeconds,
    Map<String, String> environment,
    Integer reservedConcurrency,
    int ephemeralStorageMb,
    String description) {

  public static final int MIN_MEMORY_MB = 128;
  public static final int MAX_MEMORY_MB = 10_240;
  public static final int MAX_TIMEOUT_SECONDS = 900;
  public static final int DEFAULT_TIMEOUT_SECONDS = 3;
  public static final int DEFAULT_MEMORY_MB = 128;
  public static final int DEFAULT_EPHEMERAL_MB = 512;
  public static final int MAX_ENVIRONMENT_BYTES = 4 * 1024;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_])*");

  /** Variables the platform sets; Lambda refuses them as function configuration. */
  private static final java.util.Set<String> RESERVED =
      java.util.Set.of(
          "_HANDLER",
          "_X_AMZN_TRACE_ID",
          "AWS_DEFAULT_REGION",
          "AWS_REGION",
          "AWS_EXECUTION_ENV",
          "AWS_LAMBDA_FUNCTION_NAME",
          "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
          "AWS_LAMBDA_FUNCTION_VERSION",
          "AWS_LAMBDA_INITIALIZATION_TYPE",
          "AWS_LAMBDA_LOG_GROUP_NAME",
          "AWS_LAMBDA_LOG_STREAM_NAME",
          "AWS_ACCESS_KEY",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "AWS_LAMBDA_RUNTIME_API",
          "LAMBDA_TASK_ROOT",
          "LAMBDA_RUNTIME_DIR");

  public FunctionConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw LambdaException.invalidParameter(
          "FunctionName: '" + name + "' (expected: 1-64 characters of a-z A-Z 0-9 _ -)");
    }
    if (runtime == null) {
      throw LambdaException.invalidParameter("Runtime: missing");
    }
    if (handler == null || handler.isBlank() || handler.length() > 128) {
      if (runtime != Runtime.PROVIDED || (handler != null && handler.length() > 128)) {
        throw LambdaException.invalidParameter(
            "Handler: '" + handler + "' (expected: 1-128 characters, e.g. index.handler)");
      }
      handler = handler == null || handler.isBlank() ? "bootstrap" : handler;
    }
    if (memoryMb < MIN_MEMORY_MB || memoryMb > MAX_MEMORY_MB) {
      throw LambdaException.invalidParameter(
          "MemorySize: " + memoryMb + " (expected: 128-10240 MB)");
    }
    if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      throw LambdaException.invalidParameter(
          "Timeout: " + timeoutSeconds + " (expected: 1-900 seconds)");
    }
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    int envBytes = 0;
    for (var e : environment.entrySet()) {
      if (!ENV_KEY.matcher(e.getKey()).matches()) {
        throw LambdaException.invalidParameter(
            "Environment.Variables: key '"
                + e.getKey()
                + "' (expected: a letter, then letters, digits or _)");
      }
      if (RESERVED.contains(e.getKey())) {
        throw LambdaException.invalidParameter(
            "Environment.Variables: '" + e.getKey() + "' is reserved by the runtime");
      }
      envBytes +=
          e.getKey().getBytes(StandardCharsets.UTF_8).length
              + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (envBytes > MAX_ENVIRONMENT_BYTES) {
      throw LambdaException.invalidParameter(
          "Environment.Variables: "
              + envBytes
              + " bytes (expected: at most 4096 bytes of keys and values)");
    }
    if (reservedConcurrency != null && reservedConcurrency < 0) {
      throw LambdaException.invalidParameter(
          "ReservedConcurrentExecutions: " + reservedConcurrency + " (expected: >= 0)");
    }
    if (ephemeralStorageMb < 512 || ephemeralStorageMb > 10_240) {
      throw LambdaException.invalidParameter(
          "EphemeralStorage.Size: " + ephemeralStorageMb + " (expected: 512-10240 MB)");
    }
    if (description != null && description.length() > 256) {
      throw LambdaException.invalidParameter(
          "Description: " + description.length() + " characters (expected: at most 256)");
    }
  }

  public FunctionConfig withReservedConcurrency(Integer reserved) {
    return new FunctionConfig(
        name,
        runtime,
        handler,
        memoryMb,
        timeoutSeconds,
        environment,
        reserved,
        ephemeralStorageMb,
        description);
  }
}
