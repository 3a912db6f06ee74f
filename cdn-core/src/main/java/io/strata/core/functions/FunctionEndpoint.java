package io.strata.core.functions;

import java.net.URI;

/**
 * Where a node invokes Lambda@Edge functions: the function runtime's base URL (its Invoke API), and
 * the access key the node signs with (AWS Signature V4), or none when the runtime accepts unsigned
 * calls on loopback.
 *
 * @param url {@code http://host:port} of the function runtime
 * @param accessKeyId the access key id, or null to send unsigned requests
 * @param secretAccessKey the secret of {@code accessKeyId}
 */
public record FunctionEndpoint(URI url, String accessKeyId, String secretAccessKey) {
  public FunctionEndpoint {
    if (url == null
        || !"http".equals(url.getScheme()) && !"https".equals(url.getScheme())
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "functions-endpoint: "
              + url
              + " (expected: http(s)://host:port of the function runtime)");
    }
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException(
          "functions-endpoint: an access key id needs its secret, and the other way round");
    }
  }

  /** An endpoint called without signatures. */
  public static FunctionEndpoint unsigned(URI url) {
    return new FunctionEndpoint(url, null, null);
  }

  int port() {
    return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
  }
}
