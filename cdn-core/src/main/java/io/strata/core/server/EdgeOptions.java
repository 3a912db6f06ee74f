package io.strata.core.server;

import io.strata.core.viewer.CountryLookup;
import io.strata.core.viewer.ViewerPipeline;

/**
 * What an edge node has beyond a cache node: its HTTPS listener, its connection cap and its country
 * database.
 *
 * @param tls the HTTPS listener, or {@code null} for plain HTTP only
 * @param maxConnections open viewer connections allowed (HTTP and HTTPS together)
 * @param countries the country database for geo restrictions
 */
public record EdgeOptions(TlsSettings tls, int maxConnections, CountryLookup countries) {
  public static final EdgeOptions DEFAULT =
      new EdgeOptions(null, ViewerPipeline.DEFAULT_MAX_CONNECTIONS, CountryLookup.NONE);

  public EdgeOptions {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
    }
    if (countries == null) {
      countries = CountryLookup.NONE;
    }
  }

  /** Default options with an HTTPS listener. */
  public static EdgeOptions withTls(TlsSettings tls) {
    return new EdgeOptions(tls, ViewerPipeline.DEFAULT_MAX_CONNECTIONS, CountryLookup.NONE);
  }
}
