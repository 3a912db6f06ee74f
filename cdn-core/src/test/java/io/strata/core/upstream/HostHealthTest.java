package io.strata.core.upstream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.config.HealthCheck;
import org.junit.jupiter.api.Test;

class HostHealthTest {
  private static final HealthCheck SETTINGS = new HealthCheck("/h", 1_000, 500, 2, 3, 3, 1_000);

  @Test
  void consecutiveFailuresEjectForTheBackOffPeriod() {
    HostHealth host = new HostHealth("http://o", SETTINGS, 0);
    assertFalse(host.requestFailed(0));
    assertFalse(host.requestFailed(0));
    assertTrue(host.requestFailed(0));
    assertFalse(host.available(999));
    assertTrue(host.available(1_000));
  }

  @Test
  void aSuccessEndsTheFailureStreak() {
    HostHealth host = new HostHealth("http://o", SETTINGS, 0);
    host.requestFailed(0);
    host.requestFailed(0);
    host.requestSucceeded();
    assertFalse(host.requestFailed(0));
    assertTrue(host.available(0));
  }

  @Test
  void ejectionsInARowBackOffLonger() {
    HostHealth host = new HostHealth("http://o", SETTINGS, 0);
    for (int i = 0; i < 3; i++) {
      host.requestFailed(0);
    }
    // Back after 1 s, fails again at once: out for 2 s this time.
    for (int i = 0; i < 3; i++) {
      host.requestFailed(1_000);
    }
    assertFalse(host.available(2_999));
    assertTrue(host.available(3_000));
  }

  @Test
  void activeChecksUseTheirThresholds() {
    HostHealth host = new HostHealth("http://o", SETTINGS, 0);
    assertFalse(host.checked(false));
    assertFalse(host.checked(false));
    assertTrue(host.checked(false), "third failed check: unhealthy");
    assertFalse(host.available(0));
    assertFalse(host.checked(true));
    assertFalse(host.available(0), "one good check is not enough");
    assertTrue(host.checked(true));
    assertTrue(host.available(0));
  }

  @Test
  void recoveringByChecksEndsAnEjection() {
    HostHealth host = new HostHealth("http://o", SETTINGS, 0);
    for (int i = 0; i < 3; i++) {
      host.requestFailed(0);
      host.checked(false);
    }
    host.checked(true);
    host.checked(true);
    assertTrue(host.available(1), "healthy by checks: back before the ejection ends");
  }
}
