package io.strata.core.config;

import java.util.List;

/**
 * A CloudFront key group: the public keys a behavior trusts through {@code trustedKeyGroups}.
 *
 * @param id the group id
 * @param keys ids of public keys, 1 to 5 (CloudFront's quota)
 */
public record KeyGroup(String id, List<String> keys) {
  public KeyGroup {
    Syntax.checkId("id", id);
    keys = List.copyOf(keys);
    if (keys.isEmpty() || keys.size() > 5) {
      throw new InvalidValueException("keys", keys + " (expected: 1 to 5 public key ids)");
    }
  }
}
