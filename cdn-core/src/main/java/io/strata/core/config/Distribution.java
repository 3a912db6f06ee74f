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
 * @param originGroups CloudFront origin groups over {@code origins}; a behavior's {@code origin}
 *     may name one; {@code null} means none
 */
public record Distribution(
    String id,
    List<String> aliases,
    List<Origin> origins,
    Behavior defaultBehavior,
    List<Behavior> behaviors,
    EdgeSettings edge,
    List<OriginGroup> originGroups) {

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
    originGroups = originGroups == null ? List.of() : List.copyOf(originGroups);

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
    checkOriginGroups(originGroups, origins, originIndex);
    if (!defaultBehavior.pathPattern().isCatchAll()) {
      throw new InvalidValueException(
          "defaultBehavior.pathPattern",
          Syntax.quote(defaultBehavior.pathPattern().pattern()) + " (expected: '*')");
    }
    for (OriginGroup group : originGroups) {
      // A behavior may name a group wherever it may name an origin.
      originIndex.putIfAbsent(group.id(), -1);
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

  /** Creates a distribution without origin groups. */
  public Distribution(
      String id,
      List<String> aliases,
      List<Origin> origins,
      Behavior defaultBehavior,
      List<Behavior> behaviors,
      EdgeSettings edge) {
    this(id, aliases, origins, defaultBehavior, behaviors, edge, List.of());
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
   * Returns the origin with the given id; for the id of an origin group, the group's primary.
   *
   * @param originId an origin id or an origin group id
   * @return the origin
   * @throws IllegalArgumentException if this distribution has no such origin or group
   */
  public Origin origin(String originId) {
    for (Origin origin : origins) {
      if (origin.id().equals(originId)) {
        return origin;
      }
    }
    OriginGroup group = originGroup(originId);
    if (group != null) {
      return origin(group.primary());
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

  /**
   * Returns the origin group with the given id.
   *
   * @param groupId an id a behavior names
   * @return the group, or null when {@code groupId} is not a group's id
   */
  public OriginGroup originGroup(String groupId) {
    for (OriginGroup group : originGroups) {
      if (group.id().equals(groupId)) {
        return group;
      }
    }
    return null;
  }

  /** Group members must be origins; group ids share the origins' namespace. */
  private static void checkOriginGroups(
      List<OriginGroup> groups, List<Origin> origins, Map<String, Integer> originIndex) {
    Map<String, Integer> groupIndex = new HashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      OriginGroup group = groups.get(i);
      if (originIndex.containsKey(group.id())) {
        throw new InvalidValueException(
            "originGroups[" + i + "].id",
            Syntax.quote(group.id())
                + " (expected: unique among origins and origin groups; already used by origins["
                + originIndex.get(group.id())
                + "])");
      }
      Integer previous = groupIndex.putIfAbsent(group.id(), i);
      if (previous != null) {
        throw new InvalidValueException(
            "originGroups[" + i + "].id",
            Syntax.quote(group.id())
                + " (expected: unique; already used by originGroups["
                + previous
                + "])");
      }
      for (int m = 0; m < 2; m++) {
        String member = group.members().get(m);
        if (!originIndex.containsKey(member)) {
          throw new InvalidValueException(
              "originGroups[" + i + "].members[" + m + "]",
              Syntax.quote(member)
                  + " (expected: one of the distribution's origins: "
                  + originIds(origins)
                  + ")");
        }
      }
    }
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
              + (originIndex.size() == origins.size()
                  ? " (expected: one of the distribution's origins: " + originIds(origins) + ")"
                  : " (expected: one of the distribution's origins or origin groups: "
                      + String.join(", ", originIndex.keySet().stream().sorted().toList())
                      + ")"));
    }
  }

  private static String originIds(List<Origin> origins) {
    return origins.stream().map(Origin::id).collect(Collectors.joining(", "));
  }
}
