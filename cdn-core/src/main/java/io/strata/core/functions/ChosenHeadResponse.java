package io.strata.core.functions;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import java.util.List;

/**
 * A response whose status and headers a function chose rather than an origin: the head is held
 * here, the body comes from the subclass (generated in memory, or the origin's stream).
 */
abstract class ChosenHeadResponse implements HttpClientResponse {
  private final int status;
  private final String statusMessage;
  protected final MultiMap headers;

  ChosenHeadResponse(int status, String statusMessage, MultiMap headers) {
    this.status = status;
    this.statusMessage = statusMessage;
    this.headers = headers;
  }

  @Override
  public int statusCode() {
    return status;
  }

  @Override
  public String statusMessage() {
    return statusMessage;
  }

  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public String getHeader(String name) {
    return headers.get(name);
  }

  @Override
  public String getHeader(CharSequence name) {
    return headers.get(name);
  }

  @Override
  public List<String> cookies() {
    return headers.getAll("Set-Cookie");
  }
}
