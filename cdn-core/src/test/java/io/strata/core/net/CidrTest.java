package io.strata.core.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {
  @Test
  void ipv4BlockContainsItsAddressesOnly() {
    Cidr block = Cidr.parse("192.0.2.0/25");
    assertTrue(block.contains(Cidr.literal("192.0.2.0")));
    assertTrue(block.contains(Cidr.literal("192.0.2.127")));
    assertFalse(block.contains(Cidr.literal("192.0.2.128")));
    assertFalse(block.contains(Cidr.literal("2001:db8::1")), "families never mix");
  }

  @Test
  void ipv6BlockAndBareAddress() {
    assertTrue(Cidr.parse("2001:db8::/32").contains(Cidr.literal("2001:db8:ffff::1")));
    assertFalse(Cidr.parse("2001:db8::/32").contains(Cidr.literal("2001:db9::1")));
    assertTrue(Cidr.parse("::1").contains(Cidr.literal("[::1]")));
    assertFalse(Cidr.parse("::1").contains(Cidr.literal("::2")));
  }

  @Test
  void prefixZeroMatchesTheWholeFamily() {
    assertTrue(Cidr.parse("0.0.0.0/0").contains(Cidr.literal("203.0.113.9")));
  }

  @Test
  void malformedBlocksAreRefusedWithoutNameLookups() {
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("300.1.1.1/8"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("localhost/8"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse(""));
    assertNull(Cidr.literal("example.com"));
  }
}
