package io.strata.core.config;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A complete, validated configuration snapshot: the distributions a node serves. Immutable; to
 * change the configuration, build or load a new snapshot and swap it in whole.
 *
 * @param distributions the distributions, with unique ids and aliases unique across all of them
 * @param publicKeys the keys that may sign URLs and cookies, unique ids
 * @param keyGroups groups of those keys, named by behaviors' {@code trustedKeyGroups}
 * @param responseHeadersPolicies policies named by behaviors' {@code responseHeadersPolicy}
 */
public record StrataConfig(
    List<Distribution> distributions,
    List<SigningPublicKey> publicKeys,
    List<KeyGroup> keyGroups,
    List<ResponseHeadersPolicy> responseHeadersPolicies) {

  /** A configuration without signing keys or response headers policies. */
  public StrataConfig(List<Distribution> distributions) {
    this(distributions, List.of(), List.of(), List.of());
  }

  /** The response headers policy with this id, or {@code null}. */
  public ResponseHeadersPolicy responseHeadersPolicy(String id) {
    for (ResponseHeadersPolicy policy : responseHeadersPolicies) {
      if (policy.id().equals(id)) {
        return policy;
      }
    }
    return null;
  }

  /**
   * Checks that distribution ids and aliases are unique, and makes the list immutable.
   *
   * @throws InvalidValueException naming the offending field, for example {@code
   *     distributions[1].aliases[0]}
   */
  public StrataConfig {
    distributions = List.copyOf(requireNonNull(distributions, "distributions"));
    publicKeys = publicKeys == null ? List.of() : List.copyOf(publicKeys);
    keyGroups = keyGroups == null ? List.of() : List.copyOf(keyGroups);
    responseHeadersPolicies =
        responseHeadersPolicies == null ? List.of() : List.copyOf(responseHeadersPolicies);
    checkSigningReferences(distributions, publicKeys, keyGroups);
    checkHeaderPolicyReferences(distributions, responseHeadersPolicies);
    Map<String, Integer> ids = new HashMap<>();
    Map<String, String> aliasOwners = new HashMap<>();
    for (int i = 0; i < distributions.size(); i++) {
      Distribution distribution = distributions.get(i);
      Integer previous = ids.putIfAbsent(distribution.id(), i);
      if (previous != null) {
        throw new InvalidValueException(
            "distributions[" + i + "].id",
            Syntax.quote(distribution.id())
                + " (expected: unique; already used by distributions["
                + previous
                + "])");
      }
      List<String> aliases = distribution.aliases();
      for (int j = 0; j < aliases.size(); j++) {
        String owner = aliasOwners.putIfAbsent(aliases.get(j), distribution.id());
        if (owner != null) {
          throw new InvalidValueException(
              "distributions[" + i + "].aliases[" + j + "]",
              Syntax.quote(aliases.get(j))
                  + " (expected: unique across distributions; already used by distribution '"
                  + owner
                  + "')");
        }
      }
    }
  }

  /** The public keys of the given key groups, by key id: what one behavior trusts. */
  public Map<String, java.security.PublicKey> trustedKeys(List<String> groupIds) {
    Map<String, java.security.PublicKey> keys = new HashMap<>();
    for (KeyGroup group : keyGroups) {
      if (groupIds.contains(group.id())) {
        for (String keyId : group.keys()) {
          for (SigningPublicKey key : publicKeys) {
            if (key.id().equals(keyId)) {
              keys.put(keyId, key.key());
            }
          }
        }
      }
    }
    return keys;
  }

  private static void checkSigningReferences(
      List<Distribution> distributions, List<SigningPublicKey> publicKeys, List<KeyGroup> groups) {
    Set<String> keyIds = new HashSet<>();
    for (int i = 0; i < publicKeys.size(); i++) {
      if (!keyIds.add(publicKeys.get(i).id())) {
        throw new InvalidValueException(
            "publicKeys[" + i + "].id",
            Syntax.quote(publicKeys.get(i).id()) + " (expected: unique)");
      }
    }
    Set<String> groupIds = new HashSet<>();
    for (int i = 0; i < groups.size(); i++) {
      KeyGroup group = groups.get(i);
      if (!groupIds.add(group.id())) {
        throw new InvalidValueException(
            "keyGroups[" + i + "].id", Syntax.quote(group.id()) + " (expected: unique)");
      }
      for (int j = 0; j < group.keys().size(); j++) {
        if (!keyIds.contains(group.keys().get(j))) {
          throw new InvalidValueException(
              "keyGroups[" + i + "].keys[" + j + "]",
              Syntax.quote(group.keys().get(j)) + " (expected: the id of one of publicKeys)");
        }
      }
    }
    for (int i = 0; i < distributions.size(); i++) {
      Distribution distribution = distributions.get(i);
      List<Behavior> all = distribution.allBehaviors();
      for (int b = 0; b < all.size(); b++) {
        List<String> trusted = all.get(b).viewer().trustedKeyGroups();
        String where = b == all.size() - 1 ? "defaultBehavior" : "behaviors[" + b + "]";
        for (int k = 0; k < trusted.size(); k++) {
          if (!groupIds.contains(trusted.get(k))) {
            throw new InvalidValueException(
                "distributions[" + i + "]." + where + ".trustedKeyGroups[" + k + "]",
                Syntax.quote(trusted.get(k)) + " (expected: the id of one of keyGroups)");
          }
        }
      }
    }
  }

  private static void checkHeaderPolicyReferences(
      List<Distribution> distributions, List<ResponseHeadersPolicy> policies) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < policies.size(); i++) {
      if (!ids.add(policies.get(i).id())) {
        throw new InvalidValueException(
            "responseHeadersPolicies[" + i + "].id",
            Syntax.quote(policies.get(i).id()) + " (expected: unique)");
      }
    }
    for (int i = 0; i < distributions.size(); i++) {
      List<Behavior> all = distributions.get(i).allBehaviors();
      for (int b = 0; b < all.size(); b++) {
        String id = all.get(b).viewer().responseHeadersPolicy();
        if (id != null && !ids.contains(id)) {
          String where = b == all.size() - 1 ? "defaultBehavior" : "behaviors[" + b + "]";
          throw new InvalidValueException(
              "distributions[" + i + "]." + where + ".responseHeadersPolicy",
              Syntax.quote(id) + " (expected: the id of one of responseHeadersPolicies)");
        }
      }
    }
  }
}
