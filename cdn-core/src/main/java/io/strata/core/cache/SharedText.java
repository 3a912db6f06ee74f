package io.strata.core.cache;

import io.netty.util.AsciiString;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance of text that many stored entries repeat — header names, the values of headers
 * that are usually the same for many objects ({@code Content-Type}, {@code Cache-Control}, {@code
 * Via}...), host names, cache decisions — so that an entry holds a reference instead of its own
 * copy. Each table is bounded: once full, further text is kept per entry as before (nothing breaks;
 * only the sharing stops), so an origin sending endless distinct values cannot grow it.
 */
final class SharedText {
  static final int MAX_NAMES = 1024;

  /** Per header name, so that one name's many values cannot crowd out another's few. */
  static final int MAX_VALUES_PER_NAME = 512;

  static final int MAX_TEXTS = 4096;
  static final int MAX_DECISIONS = 1024;

  /**
   * Headers whose values repeat across objects, lower case. Values of others (Date, ETag,
   * Last-Modified...) are nearly always unique and are not looked up.
   */
  private static final Set<String> SHARED_VALUE_NAMES =
      Set.of(
          "content-type",
          "content-length",
          "cache-control",
          "content-encoding",
          "content-language",
          "vary",
          "via",
          "server",
          "accept-ranges",
          "access-control-allow-origin",
          "strict-transport-security",
          "x-content-type-options",
          "x-frame-options",
          "pragma");

  private static final ConcurrentHashMap<String, AsciiString> NAMES = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, ConcurrentHashMap<String, String>> VALUES =
      new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, String> TEXTS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<CacheDecision, CacheDecision> DECISIONS =
      new ConcurrentHashMap<>();

  private SharedText() {}

  /**
   * The shared form of a header name, as an {@link AsciiString} (hash computed once; Netty and
   * Vert.x encode it with a byte copy).
   */
  static AsciiString name(String name) {
    AsciiString shared = NAMES.get(name);
    if (shared != null) {
      return shared;
    }
    AsciiString fresh = new AsciiString(name);
    if (NAMES.size() >= MAX_NAMES) {
      return fresh;
    }
    AsciiString raced = NAMES.putIfAbsent(name, fresh);
    return raced == null ? fresh : raced;
  }

  /** The shared instance of {@code value} when values of {@code name} tend to repeat. */
  static String value(String name, String value) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!SHARED_VALUE_NAMES.contains(lower) || value.length() > 256) {
      return value;
    }
    return shared(
        VALUES.computeIfAbsent(lower, n -> new ConcurrentHashMap<>()), value, MAX_VALUES_PER_NAME);
  }

  /** The shared instance of a short text that many keys repeat (host names). */
  static String text(String value) {
    return value.length() > 256 ? value : shared(TEXTS, value, MAX_TEXTS);
  }

  private static String shared(ConcurrentHashMap<String, String> table, String value, int max) {
    String shared = table.get(value);
    if (shared != null) {
      return shared;
    }
    if (table.size() >= max) {
      return value;
    }
    String raced = table.putIfAbsent(value, value);
    return raced == null ? value : raced;
  }

  /** The shared instance of an equal decision: most entries of a behavior get the same one. */
  static CacheDecision decision(CacheDecision decision) {
    CacheDecision shared = DECISIONS.get(decision);
    if (shared != null) {
      return shared;
    }
    if (DECISIONS.size() >= MAX_DECISIONS) {
      return decision;
    }
    CacheDecision raced = DECISIONS.putIfAbsent(decision, decision);
    return raced == null ? decision : raced;
  }
}
