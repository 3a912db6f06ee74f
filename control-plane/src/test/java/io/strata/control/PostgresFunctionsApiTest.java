package io.strata.control;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/** The functions API suite on PostgreSQL, when {@code STRATA_TEST_PG_URL} names one. */
class PostgresFunctionsApiTest extends FunctionsApiContract {
  private String url;

  @Override
  ControlPlaneOptions storeOptions(Path dir) throws Exception {
    assumeTrue(TestStores.postgresUrl() != null, "STRATA_TEST_PG_URL is not set");
    url = TestStores.freshPostgresSchema();
    return TestStores.h2(dir).withJdbc(url, null, null);
  }

  @Override
  void releaseStore() {
    if (url != null) {
      TestStores.dropPostgresSchema(url);
    }
  }
}
