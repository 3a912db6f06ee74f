package io.strata.control;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The databases the API suite runs against: H2 in a temporary directory always; PostgreSQL when
 * {@code STRATA_TEST_PG_URL} names one (CI starts it), each test in a fresh schema.
 */
final class TestStores {
  private TestStores() {}

  static String postgresUrl() {
    String url = System.getenv("STRATA_TEST_PG_URL");
    return url == null || url.isBlank() ? null : url;
  }

  /** Creates a fresh schema and returns a JDBC URL that uses it. */
  static String freshPostgresSchema() throws SQLException {
    String base = postgresUrl();
    String schema =
        "t_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 16)
                .toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(base);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  static void dropPostgresSchema(String url) {
    int i = url.indexOf("currentSchema=");
    if (i < 0) {
      return;
    }
    String schema = url.substring(i + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(postgresUrl());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    } catch (SQLException e) {
      System.getLogger(TestStores.class.getName())
          .log(System.Logger.Level.WARNING, "cannot drop " + schema + ": " + e);
    }
  }

  static ControlPlaneOptions h2(Path dir) {
    return ControlPlaneOptions.defaults(dir).withListen("127.0.0.1", 0);
  }
}
