package io.strata.control;

import java.nio.file.Path;

/** The admin API suite on the embedded H2 store (the default). */
class H2AdminApiTest extends AdminApiContract {
  @Override
  ControlPlaneOptions storeOptions(Path dir) {
    return TestStores.h2(dir);
  }
}
