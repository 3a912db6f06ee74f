package io.strata.core.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.ConnectionLimits;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {
  private final List<String> refusals = new ArrayList<>();

  @Test
  void perAddressAndNodeCapsAreSeparateAndFreedOnRelease() throws Exception {
    ConnectionGuard guard =
        new ConnectionGuard(ConnectionLimits.DEFAULT.withMaxConnections(3, 2), refusals::add);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    assertNull(guard.admit(a));
    assertNull(guard.admit(a));
    assertEquals("max_connections_per_ip", guard.admit(a));
    assertNull(guard.admit(b));
    assertEquals("max_connections", guard.admit(b));
    assertEquals(3, guard.openConnections());
    guard.release(a);
    assertNull(guard.admit(a), "a released place is free again");
    guard.release(a);
    guard.release(a);
    guard.release(b);
    assertEquals(0, guard.openConnections());
    assertNull(guard.admit(a));
    assertNull(guard.admit(a), "per-address counts went back to zero");
  }

  @Test
  void limitsAreValidatedWithTheFieldAndTheExpectation() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ConnectionLimits.DEFAULT.withTimeouts(0, 1_000));
    assertEquals("requestHeadTimeoutMillis: 0 (expected: >= 1)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConnectionLimits(1, 0, 1, 1, 0, 1, 1024, 1, 1));
    assertTrue(e.getMessage().startsWith("maxHeaders: 0"), e.getMessage());
  }
}
