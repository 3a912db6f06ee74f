package io.strata.core.http;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Set;

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are never forwarded. */
public final class Hop {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private Hop() {}

  /** True when {@code name} (any case) is hop-by-hop in its own right. */
  public static boolean isHopByHop(String name) {
    return HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * Copies {@code from} into {@code to} without the hop-by-hop headers, those named in {@code
   * Connection}, and any header for which {@code skip} returns true.
   */
  public static void copyEndToEnd(
      MultiMap from, MultiMap to, java.util.function.Predicate<String> skip) {
    String connection = from.get("connection");
    for (var e : from) {
      String name = e.getKey();
      if (isHopByHop(name) || skip.test(name) || namedIn(connection, name)) {
        continue;
      }
      to.add(name, e.getValue());
    }
  }

  private static boolean namedIn(String connection, String name) {
    if (connection == null) {
      return false;
    }
    for (String token : connection.split(",")) {
      if (token.trim().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
