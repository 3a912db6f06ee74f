package io.strata.core.config;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete, validated configuration snapshot: the distributions a node serves. Immutable; to
 * change the configuration, build or load a new snapshot and swap it in whole.
 *
 * @param distributions the distributions, with unique ids and aliases unique across all of them
 */
public record StrataConfig(List<Distribution> distributions) {

  /**
   * Checks that distribution ids and aliases are unique, and makes the list immutable.
   *
   * @throws InvalidValueException naming the offending field, for example {@code
   *     distributions[1].aliases[0]}
   */
  public StrataConfig {
    distributions = List.copyOf(requireNonNull(distributions, "distributions"));
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
}
