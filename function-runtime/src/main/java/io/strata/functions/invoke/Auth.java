package io.strata.functions.invoke;

import java.util.Map;

/**
 * Who may call the function runtime's API: requests signed (SigV4) with one of {@code keys} (access
 * key id → secret); unsigned requests only when {@code allowUnsigned}, which is accepted only for a
 * server listening on loopback.
 */
public record Auth(Map<String, String> keys, boolean allowUnsigned) {
  public Auth {
    keys = keys == null ? Map.of() : Map.copyOf(keys);
    if (keys.isEmpty() && !allowUnsigned) {
      throw new IllegalArgumentException(
          "keys: none (expected: at least one access key, or allowUnsigned on loopback)");
    }
  }

  public static Auth open() {
    return new Auth(Map.of(), true);
  }
}
