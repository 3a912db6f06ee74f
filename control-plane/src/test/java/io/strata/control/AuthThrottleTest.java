package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.time.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AuthThrottle throttle = new AuthThrottle(clock, registry);

  private void fail(String address, int times) {
    for (int i = 0; i < times; i++) {
      throttle.failed(address);
    }
  }

  @Test
  void addressesOfOneIpv6Slash64ShareAWindow() {
    for (int i = 0; i < AuthThrottle.MAX_FAILURES; i++) {
      throttle.failed("2001:db8:1:2::" + Integer.toHexString(i + 1));
    }
    assertEquals(60, throttle.retryAfterSeconds("2001:db8:1:2:ffff::9"));
    assertEquals(0, throttle.retryAfterSeconds("2001:db8:1:3::1"));
    assertEquals("2001:db8:1:2::/64", AuthThrottle.clientOf("[2001:0db8:1:2:0:0:0:1]"));
    assertEquals("192.0.2.7", AuthThrottle.clientOf("192.0.2.7"));
  }

  @Test
  void lockOutLastsUntilTheEndOfTheWindowStartedByTheFirstFailure() {
    fail("192.0.2.1", 1);
    clock.advance(Duration.ofSeconds(50));
    fail("192.0.2.1", AuthThrottle.MAX_FAILURES - 1);
    assertEquals(10, throttle.retryAfterSeconds("192.0.2.1"));
    clock.advance(Duration.ofSeconds(10));
    assertEquals(0, throttle.retryAfterSeconds("192.0.2.1"));
    fail("192.0.2.1", AuthThrottle.MAX_FAILURES - 1);
    assertEquals(0, throttle.retryAfterSeconds("192.0.2.1"), "a new window counts from zero");
    assertEquals(1.0, registry.get("strata.control.auth.lockouts").counter().count());
  }

  @Test
  void aFullTableNeverLocksOutAClientThatHasNotFailed() {
    for (int i = 0; i < AuthThrottle.MAX_TRACKED; i++) {
      throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff));
    }
    assertEquals(0, throttle.retryAfterSeconds("198.51.100.1"));
    fail("198.51.100.1", AuthThrottle.MAX_FAILURES);
    assertEquals(
        0, throttle.retryAfterSeconds("198.51.100.1"), "untracked while the table is full");
    clock.advance(Duration.ofSeconds(61));
    fail("198.51.100.1", AuthThrottle.MAX_FAILURES);
    assertTrue(throttle.retryAfterSeconds("198.51.100.1") > 0, "tracked once old windows expired");
  }
}
