package io.strata.core.upstream;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Why an upstream exchange failed, with the status the viewer gets and the tag metrics use. */
public enum UpstreamFailure {
  CONNECT(502, "connect"),
  TIMEOUT(504, "timeout"),
  RESET(502, "reset"),
  INCOMPLETE(502, "incomplete"),
  OVERLOADED(503, "overload"),
  OTHER(502, "other");

  private final int status;
  private final String tag;

  UpstreamFailure(int status, String tag) {
    this.status = status;
    this.tag = tag;
  }

  public int status() {
    return status;
  }

  public String tag() {
    return tag;
  }

  public static UpstreamFailure of(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AdmissionControl.OverloadedException) {
        return OVERLOADED;
      }
      if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
        return TIMEOUT;
      }
      if (c instanceof ConnectException || c instanceof UnknownHostException) {
        return CONNECT;
      }
      if (c instanceof HttpClosedException || c instanceof StreamResetException) {
        return RESET;
      }
      if (c instanceof io.strata.core.cache.Fill.IncompleteBodyException) {
        return INCOMPLETE;
      }
    }
    return OTHER;
  }

  /** The title of the generated error page. */
  public String title() {
    return switch (status) {
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Bad Gateway";
    };
  }

  /** Nothing reached the upstream application: the same request may safely go elsewhere. */
  public boolean beforeRequestSent() {
    return this == CONNECT;
  }
}
