package io.strata.core.signing;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * What the verifier needs to know about one viewer request, independent of the HTTP stack.
 *
 * @param scheme {@code http} or {@code https}, as the viewer connected
 * @param authority the {@code Host} the viewer sent (with its port, if any)
 * @param path the raw request path
 * @param rawQuery the raw query string without {@code ?}; empty for none
 * @param cookie looks a cookie value up by its exact name; returns {@code null} when absent
 * @param clientAddress the viewer's IPv4 or IPv6 address bytes, or {@code null} if unknown
 */
public record SignedRequest(
    String scheme,
    String authority,
    String path,
    String rawQuery,
    Function<String, String> cookie,
    byte[] clientAddress) {
  public SignedRequest {
    requireNonNull(scheme, "scheme");
    requireNonNull(authority, "authority");
    requireNonNull(path, "path");
    rawQuery = rawQuery == null ? "" : rawQuery;
    requireNonNull(cookie, "cookie");
  }
}
