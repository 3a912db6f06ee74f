package io.strata.core.server;

import io.strata.core.viewer.CountryLookup;

/**
 * What an edge node has beyond a cache node: its HTTPS listener, its connection limits and its
 * country database.
 *
 * @param tls the HTTPS listener, or {@code null} for plain HTTP only
 * @param connections the viewer listeners' connection limits (HTTP and HTTPS together)
 * @param countries the country database for geo restrictions
 */
public record EdgeOptions(TlsSettings tls, ConnectionLimits connections, CountryLookup countries) {
  public static final EdgeOptions DEFAULT =
      new EdgeOptions(null, ConnectionLimits.DEFAULT, CountryLookup.NONE);

  public EdgeOptions {
    if (connections == null) {
      connections = ConnectionLimits.DEFAULT;
    }
    if (countries == null) {
      countries = CountryLookup.NONE;
    }
  }

  /** Default connection limits but for the cap on open connections. */
  public EdgeOptions(TlsSettings tls, int maxConnections, CountryLookup countries) {
    this(tls, ConnectionLimits.DEFAULT.withMaxConnections(maxConnections, 0), countries);
  }

  /** Open viewer connections allowed (HTTP and HTTPS together). */
  public int maxConnections() {
    return connections.maxConnections();
  }

  /** Default options with an HTTPS listener. */
  public static EdgeOptions withTls(TlsSettings tls) {
    return new EdgeOptions(tls, ConnectionLimits.DEFAULT, CountryLookup.NONE);
  }
}
