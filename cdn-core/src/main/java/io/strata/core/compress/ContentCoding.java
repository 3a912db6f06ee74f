package io.strata.core.compress;

/** The content codings Strata produces at the edge (RFC 9110 §8.4.1). */
public enum ContentCoding {
  /** {@code gzip} (RFC 1952). */
  GZIP("gzip"),
  /** {@code br}, Brotli (RFC 7932). */
  BR("br");

  private final String token;

  ContentCoding(String token) {
    this.token = token;
  }

  /** The token as written in {@code Content-Encoding}, such as {@code gzip}. */
  public String token() {
    return token;
  }
}
