package io.strata.functions.env;

import java.util.concurrent.CompletableFuture;

/**
 * One invocation on its way through an environment: the event and the headers the runtime receives
 * with it on {@code /next}, the log lines it produced, and the result to complete.
 *
 * @param invokedArn the ARN the caller used (with alias or version qualifier when given)
 * @param clientContext JSON (decoded from the invoker's base64 {@code X-Amz-Client-Context}) or
 *     null
 */
public record Invocation(
    String requestId,
    byte[] payload,
    String invokedArn,
    String traceId,
    String clientContext,
    String cognitoIdentity,
    CompletableFuture<InvocationResult> result,
    LogBuffer log) {

  public static Invocation of(
      String requestId,
      byte[] payload,
      String invokedArn,
      String traceId,
      String clientContext,
      String cognitoIdentity) {
    return new Invocation(
        requestId,
        payload,
        invokedArn,
        traceId,
        clientContext,
        cognitoIdentity,
        new CompletableFuture<>(),
        new LogBuffer());
  }
}
