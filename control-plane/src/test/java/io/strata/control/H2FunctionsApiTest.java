package io.strata.control;

import java.nio.file.Path;

/** The functions API suite on the embedded H2 store. */
class H2FunctionsApiTest extends FunctionsApiContract {
  @Override
  ControlPlaneOptions storeOptions(Path dir) {
    return TestStores.h2(dir);
  }
}
