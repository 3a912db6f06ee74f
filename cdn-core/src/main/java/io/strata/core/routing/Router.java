package io.strata.core.routing;

import static java.util.Objects.requireNonNull;

import io.strata.core.config.Behavior;
import io.strata.core.config.Distribution;
import io.strata.core.config.StrataConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a request's {@code Host} header and path to a {@link Route}, once per request.
 *
 * <p>The host selects the distribution: it is compared with the distributions' aliases
 * case-insensitively, with any port removed ({@code Example.COM:8080} → {@code example.com}, {@code
 * [::1]:8080} → {@code ::1}). The path then selects the behaviour: the distribution's behaviours
 * are tried in list order, the first whose pattern matches wins, and the default behaviour ({@code
 * *}) is used when none does.
 *
 * <p>All routes are built at construction; {@link #route(String, String)} allocates nothing except,
 * for hosts that carry a port, brackets or upper-case letters, the normalised host string.
 * Instances are immutable and thread-safe; to apply a new configuration, build a new router and
 * swap it in.
 */
public final class Router {

  private final Map<String, Table> byHost;
  private final StrataConfig config;

  /**
   * Builds the routing tables for a configuration.
   *
   * @param config the configuration; its aliases are already unique and in canonical form
   * @throws IllegalArgumentException if two distributions share an alias (only possible for a
   *     configuration whose invariants were bypassed; {@link StrataConfig} rejects it)
   */
  public Router(StrataConfig config) {
    requireNonNull(config, "config");
    Map<String, Table> tables = new HashMap<>();
    for (Distribution distribution : config.distributions()) {
      Table table = new Table(distribution);
      for (String alias : distribution.aliases()) {
        Table previous = tables.put(alias, table);
        if (previous != null) {
          throw new IllegalArgumentException(
              "alias '"
                  + alias
                  + "' is used by distributions '"
                  + previous.defaultRoute.distribution().id()
                  + "' and '"
                  + distribution.id()
                  + "'");
        }
      }
    }
    this.byHost = Map.copyOf(tables);
    this.config = config;
  }

  /** The configuration this router was built from. */
  public StrataConfig config() {
    return config;
  }

  /**
   * Finds the route for a request.
   *
   * @param hostHeader the {@code Host} header (or {@code :authority}) value; may be {@code null}
   * @param path the request path without query string, for example {@code /images/a.jpg}
   * @return the route, or {@code null} when {@code hostHeader} is {@code null}, malformed or not an
   *     alias of any distribution
   */
  public Route route(String hostHeader, String path) {
    requireNonNull(path, "path");
    if (hostHeader == null) {
      return null;
    }
    String host = normalizeHost(hostHeader);
    if (host == null) {
      return null;
    }
    Table table = byHost.get(host);
    return table == null ? null : table.route(path);
  }

  /**
   * The route of a request whose viewer stages would all let it through untouched, for the hit fast
   * path below the HTTP server: {@code host} must already be in alias form (lower case, no port).
   * Whether a behavior qualifies ({@link #plainViewer}) is decided once, here at construction.
   *
   * @param tls whether the request came over TLS (a plain-HTTP request needs {@code allow-all})
   * @return the route, or {@code null} when the host is unknown or the behavior matched needs any
   *     viewer stage (then the normal path handles the request)
   */
  public Route plainRoute(String host, String path, boolean tls) {
    Table table = byHost.get(host);
    return table == null ? null : table.plainRoute(path, tls);
  }

  /**
   * Whether every viewer stage of the edge is a no-op for a cacheable GET or HEAD on {@code route}
   * (over TLS, or also over plain HTTP): no response headers policy, no signing, no IP or geo
   * restriction, no rate limit, GET and HEAD allowed, no Lambda@Edge association, caching on.
   *
   * @return 0 when not, 1 when only over TLS, 2 over both
   */
  static int plainViewer(Route route) {
    Behavior behavior = route.behavior();
    io.strata.core.config.ViewerSettings viewer = behavior.viewer();
    io.strata.core.config.EdgeSettings edge = route.distribution().edge();
    io.strata.core.config.Restrictions restrictions = edge.restrictions();
    boolean plain =
        viewer.responseHeadersPolicy() == null
            && viewer.trustedKeyGroups().isEmpty()
            && viewer.allowedMethods().allows(io.vertx.core.http.HttpMethod.GET)
            && viewer.allowedMethods().allows(io.vertx.core.http.HttpMethod.HEAD)
            && behavior.lambdaFunctionAssociations().isEmpty()
            && !behavior.cachePolicy().cachingDisabled()
            && restrictions.ipDeny().isEmpty()
            && restrictions.ipAllow().isEmpty()
            && restrictions.geoType().equals("none")
            && edge.rateLimit() == null;
    if (!plain) {
      return 0;
    }
    io.strata.core.config.ViewerProtocolPolicy policy = viewer.viewerProtocolPolicy();
    if (policy == null) {
      policy = edge.viewerProtocolPolicy();
    }
    return policy == io.strata.core.config.ViewerProtocolPolicy.ALLOW_ALL ? 2 : 1;
  }

  /**
   * Reduces a {@code Host} header value to the form aliases are stored in: lower case, no port,
   * IPv6 without brackets. Returns the argument itself when it is already in that form.
   *
   * @param hostHeader a {@code Host} header value
   * @return the normalised host, or {@code null} when the value is malformed (empty, or an unclosed
   *     IPv6 bracket)
   */
  public static String normalizeHost(String hostHeader) {
    int length = hostHeader.length();
    int start = 0;
    int end = length;
    if (length > 0 && hostHeader.charAt(0) == '[') {
      int close = hostHeader.indexOf(']');
      if (close < 0 || (close + 1 < length && hostHeader.charAt(close + 1) != ':')) {
        return null;
      }
      start = 1;
      end = close;
    } else {
      int colon = hostHeader.indexOf(':');
      // A single colon separates the port; more than one is a bare IPv6 address.
      if (colon >= 0 && hostHeader.indexOf(':', colon + 1) < 0) {
        end = colon;
      }
    }
    if (start == end) {
      return null;
    }
    boolean upper = false;
    for (int i = start; i < end; i++) {
      char c = hostHeader.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        upper = true;
        break;
      }
    }
    String host = start == 0 && end == length ? hostHeader : hostHeader.substring(start, end);
    return upper ? host.toLowerCase(Locale.ROOT) : host;
  }

  /** The precomputed routes of one distribution, in evaluation order. */
  private static final class Table {

    private final PathPattern[] patterns;
    private final Route[] routes;
    private final Route defaultRoute;
    private final int[] plain;
    private final int defaultPlain;

    Table(Distribution distribution) {
      List<Behavior> behaviors = distribution.behaviors();
      patterns = new PathPattern[behaviors.size()];
      routes = new Route[behaviors.size()];
      for (int i = 0; i < routes.length; i++) {
        Behavior behavior = behaviors.get(i);
        patterns[i] = behavior.pathPattern();
        routes[i] = new Route(distribution, behavior, distribution.origin(behavior.origin()));
      }
      Behavior fallback = distribution.defaultBehavior();
      defaultRoute = new Route(distribution, fallback, distribution.origin(fallback.origin()));
      plain = new int[routes.length];
      for (int i = 0; i < routes.length; i++) {
        plain[i] = plainViewer(routes[i]);
      }
      defaultPlain = plainViewer(defaultRoute);
    }

    Route plainRoute(String path, boolean tls) {
      int need = tls ? 1 : 2;
      for (int i = 0; i < patterns.length; i++) {
        if (patterns[i].matches(path)) {
          return plain[i] >= need ? routes[i] : null;
        }
      }
      return defaultPlain >= need ? defaultRoute : null;
    }

    Route route(String path) {
      for (int i = 0; i < patterns.length; i++) {
        if (patterns[i].matches(path)) {
          return routes[i];
        }
      }
      return defaultRoute;
    }
  }
}
