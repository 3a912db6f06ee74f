package io.strata.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Syntax rules shared by the configuration records: identifiers and host names. */
final class Syntax {

  static final int MAX_ID_LENGTH = 128;
  private static final int MAX_HOST_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  private Syntax() {}

  /**
   * Checks an identifier: 1 to {@value #MAX_ID_LENGTH} letters, digits, {@code .}, {@code _} or
   * {@code -}, starting with a letter or digit.
   *
   * @throws InvalidValueException naming {@code field} if the identifier is malformed
   */
  static String checkId(String field, String id) {
    if (id == null) {
      throw new InvalidValueException(field, "null (expected: an identifier)");
    }
    boolean valid = !id.isEmpty() && id.length() <= MAX_ID_LENGTH && isLetterOrDigit(id.charAt(0));
    for (int i = 1; valid && i < id.length(); i++) {
      char c = id.charAt(i);
      valid = isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }
    if (!valid) {
      throw new InvalidValueException(
          field,
          quote(id)
              + " (expected: 1.."
              + MAX_ID_LENGTH
              + " letters, digits, '.', '_' or '-', starting with a letter or digit)");
    }
    return id;
  }

  /**
   * Returns the canonical form of a host alias: lower case, IPv6 without brackets.
   *
   * @return the canonical alias, or {@code null} if {@code alias} is not a host name, IPv4 address
   *     or IPv6 address (a scheme, port, path or wildcard makes it invalid)
   */
  static String canonicalHost(String alias) {
    if (alias == null || alias.isEmpty()) {
      return null;
    }
    String host = alias.toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      return host.indexOf(':') >= 0 && isIpv6(host) ? host : null;
    }
    if (host.indexOf(':') >= 0) {
      return isIpv6(host) ? host : null;
    }
    return isHostName(host) ? host : null;
  }

  static String quote(String value) {
    return "'" + value + "'";
  }

  private static boolean isIpv6(String address) {
    try {
      URI uri = new URI("http://[" + address + "]/");
      return uri.getHost() != null && address.indexOf('%') < 0;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * Host names by RFC 1123 (underscores tolerated); an all-digit last label must be a dotted IPv4
   * address.
   */
  private static boolean isHostName(String host) {
    if (host.length() > MAX_HOST_LENGTH) {
      return false;
    }
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()
          || label.length() > MAX_LABEL_LENGTH
          || label.charAt(0) == '-'
          || label.charAt(label.length() - 1) == '-') {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(isLetterOrDigit(c) || c == '-' || c == '_')) {
          return false;
        }
      }
    }
    return !isDigits(labels[labels.length - 1]) || isIpv4(labels);
  }

  private static boolean isIpv4(String[] labels) {
    if (labels.length != 4) {
      return false;
    }
    for (String label : labels) {
      if (!isDigits(label) || label.length() > 3 || Integer.parseInt(label) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
