package io.strata.core.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A distribution: the host names it answers for, its origins and its cache behaviours.
 *
 * <p>Requests are routed by CloudFront's rules: {@code behaviors} are tried in list order, the
 * first whose path pattern matches wins, and {@code defaultBehavior} (pattern {@code *}) is used
 * when none does.
 *
 * @param id the distribution's id, unique within the configuration
 * @param aliases the host names and IP addresses (no scheme, no port) the distribution answers for,
 *     kept in canonical form: lower case, IPv6 without brackets; unique
 * @param origins the origins, at least one, with unique ids
 * @param defaultBehavior the behaviour for paths no other behaviour matches; its pattern is {@code
 *     *}
 * @param behaviors the other behaviours in evaluation order; {@code null} means none
 * @param edge viewer-facing settings; {@code null} means {@link EdgeSettings#DEFAULT}
 */
public record Distribution(
    String id,
    List<String> aliases,
    List<Origin> origins,
    Behavior defaultBehavior,
    List<Behavior> behaviors,
    EdgeSettings edge) {

  /**
   * Validates the fields and the references between them, and makes the lists immutable.
   *
   * @throws InvalidValueException naming the offending field, for example {@code origins[1].id} or
   *     {@code behaviors[0].origin}
   */
  public Distribution {
    Syntax.checkId("id", id);
    aliases = canonicalAliases(requireNonNull(aliases, "aliases"));
    origins = List.copyOf(requireNonNull(origins, "origins"));
    requireNonNull(defaultBehavior, "defaultBehavior");
    behaviors = behaviors == null ? List.of() : List.copyOf(behaviors);
    edge = edge == null ? EdgeSettings.DEFAULT : edge;

    if (origins.isEmpty()) {
      throw new InvalidValueException("origins", "[] (expected: at least one origin)");
    }
    Map<String, Integer> originIndex = new HashMap<>();
    for (int i = 0; i < origins.size(); i++) {
      Integer previous = originIndex.putIfAbsent(origins.get(i).id(), i);
      if (previous != null) {
        throw new InvalidValueException(
            "origins[" + i + "].id",
            Syntax.quote(origins.get(i).id())
                + " (expected: unique within the distribution; already used by origins["
                + previous
                + "])");
      }
    }
    if (!defaultBehavior.pathPattern().isCatchAll()) {
      throw new InvalidValueException(
          "defaultBehavior.pathPattern",
          Syntax.quote(defaultBehavior.pathPattern().pattern()) + " (expected: '*')");
    }
    checkOriginExists("defaultBehavior.origin", defaultBehavior.origin(), origins, originIndex);
    Map<String, Integer> patternIndex = new HashMap<>();
    for (int i = 0; i < behaviors.size(); i++) {
      Behavior behavior = behaviors.get(i);
      checkOriginExists("behaviors[" + i + "].origin", behavior.origin(), origins, originIndex);
      Integer previous = patternIndex.putIfAbsent(behavior.pathPattern().pattern(), i);
      if (previous != null) {
        throw new InvalidValueException(
            "behaviors[" + i + "].pathPattern",
            Syntax.quote(behavior.pathPattern().pattern())
                + " (expected: unique; already used by behaviors["
                + previous
                + "])");
      }
    }
  }

  /** Creates a distribution with {@link EdgeSettings#DEFAULT}. */
  public Distribution(
      String id,
      List<String> aliases,
      List<Origin> origins,
      Behavior defaultBehavior,
      List<Behavior> behaviors) {
    this(id, aliases, origins, defaultBehavior, behaviors, EdgeSettings.DEFAULT);
  }

  /** Every behaviour, the default last: the order in which paths are matched. */
  public List<Behavior> allBehaviors() {
    List<Behavior> all = new ArrayList<>(behaviors);
    all.add(defaultBehavior);
    return all;
  }

  /**
   * Returns the origin with the given id.
   *
   * @param originId an origin id
   * @return the origin
   * @throws IllegalArgumentException if this distribution has no such origin
   */
  public Origin origin(String originId) {
    for (Origin origin : origins) {
      if (origin.id().equals(originId)) {
        return origin;
      }
    }
    throw new IllegalArgumentException(
        "unknown origin '"
            + originId
            + "' in distribution '"
            + id
            + "' (known: "
            + originIds(origins)
            + ")");
  }

  private static List<String> canonicalAliases(List<String> aliases) {
    List<String> canonical = new ArrayList<>(aliases.size());
    for (int i = 0; i < aliases.size(); i++) {
      String alias = aliases.get(i);
      String host = Syntax.canonicalHost(alias);
      if (host == null) {
        throw new InvalidValueException(
            "aliases[" + i + "]",
            (alias == null ? "null" : Syntax.quote(alias))
                + " (expected: a host name or IP address, without scheme or port)");
      }
      int previous = canonical.indexOf(host);
      if (previous >= 0) {
        throw new InvalidValueException(
            "aliases[" + i + "]",
            Syntax.quote(alias) + " (expected: unique; already used by aliases[" + previous + "])");
      }
      canonical.add(host);
    }
    return List.copyOf(canonical);
  }

  private static void checkOriginExists(
      String field, String originId, List<Origin> origins, Map<String, Integer> originIndex) {
    if (!originIndex.containsKey(originId)) {
      throw new InvalidValueException(
          field,
          Syntax.quote(originId)
              + " (expected: one of the distribution's origins: "
              + originIds(origins)
              + ")");
    }
  }

  private static String originIds(List<Origin> origins) {
    return origins.stream().map(Origin::id).collect(Collectors.joining(", "));
  }
}
