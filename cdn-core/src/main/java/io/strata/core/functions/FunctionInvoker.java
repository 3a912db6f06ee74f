package io.strata.core.functions;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Calls a function synchronously through the function runtime's Lambda Invoke API ({@code POST
 * /2015-03-31/functions/NAME/invocations}), signed with the node's access key when it has one.
 */
final class FunctionInvoker {
  /** CloudFront's limit for origin-facing Lambda@Edge functions. */
  static final int TIMEOUT_MS = 30_000;

  /** What the Invoke API answered. */
  record Result(int status, String functionError, String errorType, Buffer payload) {}

  private final HttpClient client;
  private final FunctionEndpoint endpoint;
  private final SigV4Signer signer;
  private final String authority;

  FunctionInvoker(HttpClient client, FunctionEndpoint endpoint) {
    this.client = client;
    this.endpoint = endpoint;
    this.signer =
        endpoint.accessKeyId() == null
            ? null
            : new SigV4Signer(endpoint.accessKeyId(), endpoint.secretAccessKey(), "us-east-1");
    this.authority = endpoint.url().getHost() + ":" + endpoint.port();
  }

  /** The invocation's answer, with the request it went out on (see {@link GeneratedResponse}). */
  record Exchange(Result result, HttpClientRequest request) {}

  Future<Exchange> invoke(String name, String qualifier, Buffer event) {
    String path = "/2015-03-31/functions/" + name + "/invocations";
    String query =
        qualifier == null
            ? ""
            : "Qualifier=" + URLEncoder.encode(qualifier, StandardCharsets.UTF_8);
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .set("Content-Type", "application/json")
            .set("Host", authority)
            .set("X-Amz-Invocation-Type", "RequestResponse");
    if (signer != null) {
      for (Map.Entry<String, String> h :
          signer.sign("POST", authority, path, query, event.getBytes(), Instant.now()).entrySet()) {
        headers.set(h.getKey(), h.getValue());
      }
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(SocketAddress.inetSocketAddress(endpoint.port(), endpoint.url().getHost()))
            .setHost(endpoint.url().getHost())
            .setPort(endpoint.port())
            .setSsl("https".equals(endpoint.url().getScheme()))
            .setURI(query.isEmpty() ? path : path + "?" + query)
            .setConnectTimeout(2_000)
            .setIdleTimeout(TIMEOUT_MS)
            .setHeaders(headers);
    return client
        .request(options)
        .compose(
            req ->
                req.send(event)
                    .compose(
                        resp ->
                            resp.body()
                                .map(
                                    body ->
                                        new Exchange(
                                            new Result(
                                                resp.statusCode(),
                                                resp.getHeader("X-Amz-Function-Error"),
                                                resp.getHeader("x-amzn-ErrorType"),
                                                body),
                                            req))));
  }
}
