package io.strata.core.http;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The stored header fields a {@code 304 Not Modified} carries (RFC 9110 §15.4.5): those a {@code
 * 200} would have carried among {@code Cache-Control}, {@code Content-Location}, {@code Date},
 * {@code ETag}, {@code Expires} and {@code Vary}, plus {@code Last-Modified}, which guides cache
 * updates when there is no {@code ETag}. Other representation metadata ({@code Content-Type},
 * {@code Content-Length}, ...) is left out. Thread-safe.
 */
public final class NotModifiedHeaders {

  /** The field names copied, in the order they are copied. */
  public static final List<String> NAMES =
      List.of(
          "Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary", "Last-Modified");

  private NotModifiedHeaders() {}

  /**
   * Adds to {@code to} every field line of {@code stored} named in {@link #NAMES}, keeping repeated
   * lines.
   *
   * @param stored the stored (or freshly built 200) response's header fields
   * @param to the 304 response's header fields
   */
  public static void copy(MultiMap stored, MultiMap to) {
    for (String name : NAMES) {
      List<String> values = stored.getAll(name);
      if (!values.isEmpty()) {
        to.add(name, values);
      }
    }
  }
}
