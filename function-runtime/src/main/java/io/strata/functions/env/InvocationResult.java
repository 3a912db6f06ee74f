package io.strata.functions.env;

/**
 * How an invocation ended.
 *
 * @param errorType null on success; otherwise the function error's type ({@code
 *     Runtime.UserException}, {@code Sandbox.Timedout}, ...), reported as {@code
 *     X-Amz-Function-Error: Unhandled}
 * @param payload the function's response, or the error JSON
 * @param initDurationMs the environment's init time when this invocation started it, else -1
 */
public record InvocationResult(
    String requestId,
    String errorType,
    byte[] payload,
    String executedVersion,
    double durationMs,
    long billedMs,
    int maxMemoryMb,
    double initDurationMs,
    LogBuffer log) {

  public boolean failed() {
    return errorType != null;
  }
}
