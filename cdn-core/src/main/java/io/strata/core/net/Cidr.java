package io.strata.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address block such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}. A bare
 * address means a single host ({@code /32} or {@code /128}). Immutable and thread-safe.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefixLength;
  private final String text;

  private Cidr(byte[] network, int prefixLength, String text) {
    this.network = network;
    this.prefixLength = prefixLength;
    this.text = text;
  }

  /**
   * Parses a CIDR block. Only literal addresses are accepted, so parsing never does a DNS lookup.
   *
   * @throws IllegalArgumentException naming the value and the expected form
   */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "'" + text + "' (expected: an IPv4 or IPv6 address with an optional /prefix)");
    }
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException(
          "'" + text + "' (expected: an IPv4 or IPv6 address with an optional /prefix)");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String digits = trimmed.substring(slash + 1);
      if (!digits.matches("[0-9]{1,3}") || Integer.parseInt(digits) > max) {
        throw new IllegalArgumentException(
            "'" + text + "' (expected: a prefix length 0.." + max + " after '/')");
      }
      prefix = Integer.parseInt(digits);
    }
    return new Cidr(mask(bytes, prefix), prefix, trimmed);
  }

  /** True if {@code address} lies in this block; an IPv4 address never matches an IPv6 block. */
  public boolean contains(InetAddress address) {
    return address != null && contains(address.getAddress());
  }

  /** True if the raw address bytes (4 or 16) lie in this block. */
  public boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int bits = 0xff << (8 - rest) & 0xff;
    return (address[full] & bits) == (network[full] & bits);
  }

  /**
   * Parses a literal IPv4 or IPv6 address (IPv6 may be bracketed), or returns {@code null}. Never
   * resolves names.
   */
  public static byte[] literal(String address) {
    if (address == null || address.isEmpty()) {
      return null;
    }
    String a = address;
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    boolean ipv4 = a.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    boolean ipv6 = a.indexOf(':') >= 0 && a.matches("[0-9A-Fa-f:.]+");
    if (!ipv4 && !ipv6) {
      return null;
    }
    if (ipv4) {
      for (String part : a.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return null;
        }
      }
    }
    try {
      // With only digits, dots, colons and hex letters, InetAddress parses without a lookup.
      byte[] bytes = InetAddress.getByName(a).getAddress();
      return ipv6 && bytes.length == 4 && !a.contains(".") ? null : bytes;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsKept = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bitsKept)));
    }
    return out;
  }

  public int prefixLength() {
    return prefixLength;
  }

  @Override
  public String toString() {
    return text;
  }
}
