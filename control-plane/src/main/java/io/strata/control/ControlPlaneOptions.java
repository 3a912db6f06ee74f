package io.strata.control;

import static java.util.Objects.requireNonNull;

import io.strata.core.time.Clock;
import java.nio.file.Path;

/**
 * How a control plane runs.
 *
 * @param host the address the admin API listens on
 * @param port the port; 0 picks a free one
 * @param jdbcUrl the database; null means an H2 file {@code control-plane} under {@code dataDir}
 * @param jdbcUser the database user, or null
 * @param jdbcPassword the database password, or null
 * @param dataDir where the embedded database lives
 * @param adminToken the initial admin token (from {@code STRATA_ADMIN_TOKEN}), or null to generate
 *     one at first start
 * @param tlsCertPem a PEM certificate chain for the admin listener, or null for plain HTTP
 * @param tlsKeyPem the PEM private key of {@code tlsCertPem}, or null
 * @param pollTimeoutMillis how long a node's long-poll is held before an empty answer
 * @param nodeDownAfterMillis how long a node may stay silent before it counts as down
 * @param maxPathsInProgress CloudFront's quota of invalidation paths in progress per distribution
 * @param maxWildcardPathsInProgress CloudFront's quota of wildcard paths in progress
 * @param prewarmConcurrency the most URLs a pre-warm job fetches at once, unless the job says fewer
 * @param clock time for node liveness and record times
 */
public record ControlPlaneOptions(
    String host,
    int port,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    Path dataDir,
    String adminToken,
    Path tlsCertPem,
    Path tlsKeyPem,
    long pollTimeoutMillis,
    long nodeDownAfterMillis,
    int maxPathsInProgress,
    int maxWildcardPathsInProgress,
    int prewarmConcurrency,
    Clock clock) {

  public ControlPlaneOptions {
    requireNonNull(host, "host");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(clock, "clock");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if ((tlsCertPem == null) != (tlsKeyPem == null)) {
      throw new IllegalArgumentException(
          "tlsCertPem, tlsKeyPem: give both or neither (got "
              + tlsCertPem
              + ", "
              + tlsKeyPem
              + ")");
    }
    if (pollTimeoutMillis < 100) {
      throw new IllegalArgumentException(
          "pollTimeoutMillis: " + pollTimeoutMillis + " (expected: >= 100)");
    }
    if (nodeDownAfterMillis < 1000) {
      throw new IllegalArgumentException(
          "nodeDownAfterMillis: " + nodeDownAfterMillis + " (expected: >= 1000)");
    }
    if (maxPathsInProgress < 1 || maxWildcardPathsInProgress < 1 || prewarmConcurrency < 1) {
      throw new IllegalArgumentException(
          "maxPathsInProgress, maxWildcardPathsInProgress, prewarmConcurrency: "
              + maxPathsInProgress
              + ", "
              + maxWildcardPathsInProgress
              + ", "
              + prewarmConcurrency
              + " (expected: >= 1)");
    }
  }

  /** The defaults: loopback, port 9090, H2 under {@code dataDir}, CloudFront's quotas. */
  public static ControlPlaneOptions defaults(Path dataDir) {
    return new ControlPlaneOptions(
        "127.0.0.1",
        9090,
        null,
        null,
        null,
        dataDir,
        null,
        null,
        null,
        20_000,
        15_000,
        3000,
        15,
        8,
        Clock.SYSTEM);
  }

  public ControlPlaneOptions withListen(String host, int port) {
    return new ControlPlaneOptions(
        host,
        port,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        dataDir,
        adminToken,
        tlsCertPem,
        tlsKeyPem,
        pollTimeoutMillis,
        nodeDownAfterMillis,
        maxPathsInProgress,
        maxWildcardPathsInProgress,
        prewarmConcurrency,
        clock);
  }

  public ControlPlaneOptions withJdbc(String url, String user, String password) {
    return new ControlPlaneOptions(
        host,
        port,
        url,
        user,
        password,
        dataDir,
        adminToken,
        tlsCertPem,
        tlsKeyPem,
        pollTimeoutMillis,
        nodeDownAfterMillis,
        maxPathsInProgress,
        maxWildcardPathsInProgress,
        prewarmConcurrency,
        clock);
  }

  public ControlPlaneOptions withAdminToken(String token) {
    return new ControlPlaneOptions(
        host,
        port,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        dataDir,
        token,
        tlsCertPem,
        tlsKeyPem,
        pollTimeoutMillis,
        nodeDownAfterMillis,
        maxPathsInProgress,
        maxWildcardPathsInProgress,
        prewarmConcurrency,
        clock);
  }

  public ControlPlaneOptions withTls(Path certPem, Path keyPem) {
    return new ControlPlaneOptions(
        host,
        port,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        dataDir,
        adminToken,
        certPem,
        keyPem,
        pollTimeoutMillis,
        nodeDownAfterMillis,
        maxPathsInProgress,
        maxWildcardPathsInProgress,
        prewarmConcurrency,
        clock);
  }

  public ControlPlaneOptions withTimings(long pollTimeoutMillis, long nodeDownAfterMillis) {
    return new ControlPlaneOptions(
        host,
        port,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        dataDir,
        adminToken,
        tlsCertPem,
        tlsKeyPem,
        pollTimeoutMillis,
        nodeDownAfterMillis,
        maxPathsInProgress,
        maxWildcardPathsInProgress,
        prewarmConcurrency,
        clock);
  }

  public ControlPlaneOptions withInvalidationQuotas(int paths, int wildcardPaths) {
    return new ControlPlaneOptions(
        host,
        port,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        dataDir,
        adminToken,
        tlsCertPem,
        tlsKeyPem,
        pollTimeoutMillis,
        nodeDownAfterMillis,
        paths,
        wildcardPaths,
        prewarmConcurrency,
        clock);
  }

  public ControlPlaneOptions withClock(Clock clock) {
    return new ControlPlaneOptions(
        host,
        port,
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        dataDir,
        adminToken,
        tlsCertPem,
        tlsKeyPem,
        pollTimeoutMillis,
        nodeDownAfterMillis,
        maxPathsInProgress,
        maxWildcardPathsInProgress,
        prewarmConcurrency,
        clock);
  }

  /** The JDBC URL in use: the configured one, or the embedded H2 file. */
  String effectiveJdbcUrl() {
    return jdbcUrl != null
        ? jdbcUrl
        // Writers queue on the version row; give them time rather than H2's short default.
        : "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("control-plane")
            + ";LOCK_TIMEOUT=10000";
  }
}
