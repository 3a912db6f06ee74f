package io.strata.core.http;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Evaluates a request's conditional header fields against the selected (stored) response, in the
 * order of RFC 9110 §13.2.2:
 *
 * <ol>
 *   <li>{@code If-Match} (strong comparison; {@code *} holds because a representation exists): if
 *       false, {@link Outcome#PRECONDITION_FAILED};
 *   <li>only without {@code If-Match}, {@code If-Unmodified-Since}: if the stored {@code
 *       Last-Modified} is later than the date, {@link Outcome#PRECONDITION_FAILED}; an invalid date
 *       or a response without {@code Last-Modified} ignores it;
 *   <li>{@code If-None-Match} (weak comparison; {@code *} matches any): if a tag matches, {@link
 *       Outcome#NOT_MODIFIED} for GET and HEAD, {@link Outcome#PRECONDITION_FAILED} otherwise;
 *   <li>only without {@code If-None-Match} and only for GET and HEAD, {@code If-Modified-Since}: if
 *       the stored response was not modified after the date, {@link Outcome#NOT_MODIFIED}. The
 *       stored {@code Last-Modified} is compared, or the stored {@code Date} when there is none
 *       (RFC 9111 §4.3.2). Invalid dates (and several field lines) are ignored;
 *   <li>otherwise {@link Outcome#PROCEED} ({@code Range} and {@code If-Range} are the caller's next
 *       step: {@link IfRange}, {@link ByteRanges}).
 * </ol>
 *
 * <p>Malformed entity-tag lists never throw: a malformed {@code If-Match} is a false condition
 * (412, the safe side for a state-changing request); a malformed {@code If-None-Match} matches
 * nothing (the full response is sent). All preconditions are ignored when the selected response's
 * status is not 2xx or 412 (§13.2.1). The special case of §13.1.1/§13.1.4 (a state-changing request
 * that has already succeeded) does not arise in a cache and is not handled. Thread-safe.
 */
public final class Preconditions {

  /** The result of evaluating the preconditions. */
  public enum Outcome {
    /** No precondition stops the request: continue with {@code Range} and the normal response. */
    PROCEED(0),
    /** Answer {@code 304 Not Modified} with {@link NotModifiedHeaders}. */
    NOT_MODIFIED(304),
    /** Answer {@code 412 Precondition Failed}. */
    PRECONDITION_FAILED(412);

    private final int status;

    Outcome(int status) {
      this.status = status;
    }

    /** The status code to answer with; {@code 0} for {@link #PROCEED}. */
    public int status() {
      return status;
    }
  }

  private Preconditions() {}

  /**
   * Evaluates the conditional headers of a request.
   *
   * @param method the request method, such as {@code GET} (case-sensitive, as in HTTP)
   * @param requestHeaders the request's header fields
   * @param status the status of the selected response
   * @param etag the selected response's {@code ETag}, or {@code null}
   * @param lastModified the selected response's {@code Last-Modified}, or {@code null}
   * @param date the selected response's {@code Date}, or {@code null}
   * @return the outcome; never {@code null}
   */
  public static Outcome evaluate(
      String method,
      MultiMap requestHeaders,
      int status,
      String etag,
      String lastModified,
      String date) {
    if ((status < 200 || status > 299) && status != 412) {
      return Outcome.PROCEED;
    }
    boolean getOrHead = "GET".equals(method) || "HEAD".equals(method);
    String ifMatch = joined(requestHeaders, "If-Match");
    if (ifMatch != null) {
      EntityTags.ListMatch m = EntityTags.matchList(ifMatch, etag, true);
      if (m != EntityTags.ListMatch.ANY && m != EntityTags.ListMatch.MATCH) {
        return Outcome.PRECONDITION_FAILED;
      }
    } else {
      long since = singleDate(requestHeaders, "If-Unmodified-Since");
      long modified = HttpDate.parseHttpDateMillis(lastModified);
      if (since >= 0 && modified >= 0 && modified > since) {
        return Outcome.PRECONDITION_FAILED;
      }
    }
    String ifNoneMatch = joined(requestHeaders, "If-None-Match");
    if (ifNoneMatch != null) {
      EntityTags.ListMatch m = EntityTags.matchList(ifNoneMatch, etag, false);
      if (m == EntityTags.ListMatch.ANY || m == EntityTags.ListMatch.MATCH) {
        return getOrHead ? Outcome.NOT_MODIFIED : Outcome.PRECONDITION_FAILED;
      }
    } else if (getOrHead) {
      long since = singleDate(requestHeaders, "If-Modified-Since");
      long modified = HttpDate.parseHttpDateMillis(lastModified);
      if (modified < 0) {
        modified = HttpDate.parseHttpDateMillis(date);
      }
      if (since >= 0 && modified >= 0 && modified <= since) {
        return Outcome.NOT_MODIFIED;
      }
    }
    return Outcome.PROCEED;
  }

  /** All field lines of {@code name} joined with {@code ","}, or {@code null} when absent. */
  private static String joined(MultiMap headers, String name) {
    List<String> values = headers.getAll(name);
    if (values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(",", values);
  }

  /** The date of a single field line of {@code name}; -1 when absent, repeated or invalid. */
  private static long singleDate(MultiMap headers, String name) {
    List<String> values = headers.getAll(name);
    return values.size() == 1 ? HttpDate.parseHttpDateMillis(values.get(0)) : -1;
  }
}
