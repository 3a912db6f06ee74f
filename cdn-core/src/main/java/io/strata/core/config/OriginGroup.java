package io.strata.core.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A CloudFront origin group: a primary and a secondary origin of the same distribution. A GET, HEAD
 * or OPTIONS request goes to the primary first; when the primary refuses the connection, times out
 * or answers one of {@code failoverStatusCodes}, the same request goes to the secondary. Other
 * methods go to the primary only. A behavior names the group by id in its {@code origin} field.
 *
 * @param id the group's id, unique among the distribution's origins and groups
 * @param members the primary and the secondary origin ids, in that order
 * @param failoverStatusCodes the statuses that send the request to the secondary; a subset of
 *     {@link #ALLOWED_STATUS_CODES}
 */
public record OriginGroup(String id, List<String> members, Set<Integer> failoverStatusCodes) {

  /** The statuses CloudFront accepts in an origin group's failover criteria. */
  public static final Set<Integer> ALLOWED_STATUS_CODES =
      Set.of(400, 403, 404, 416, 500, 502, 503, 504);

  /**
   * Validates the fields.
   *
   * @throws InvalidValueException naming the offending field
   */
  public OriginGroup {
    Syntax.checkId("id", id);
    members = List.copyOf(requireNonNull(members, "members"));
    if (members.size() != 2) {
      throw new InvalidValueException(
          "members", members + " (expected: exactly 2 origin ids, the primary then the secondary)");
    }
    for (int i = 0; i < 2; i++) {
      Syntax.checkId("members[" + i + "]", members.get(i));
    }
    if (members.get(0).equals(members.get(1))) {
      throw new InvalidValueException(
          "members[1]", Syntax.quote(members.get(1)) + " (expected: different from members[0])");
    }
    requireNonNull(failoverStatusCodes, "failoverStatusCodes");
    if (failoverStatusCodes.isEmpty()) {
      throw new InvalidValueException(
          "failoverCriteria.statusCodes", "[] (expected: at least one of " + allowed() + ")");
    }
    for (Integer code : failoverStatusCodes) {
      if (code == null || !ALLOWED_STATUS_CODES.contains(code)) {
        throw new InvalidValueException(
            "failoverCriteria.statusCodes", code + " (expected: one of " + allowed() + ")");
      }
    }
    failoverStatusCodes = Set.copyOf(failoverStatusCodes);
  }

  /** The origin tried first. */
  public String primary() {
    return members.get(0);
  }

  /** The origin tried when the primary fails. */
  public String secondary() {
    return members.get(1);
  }

  /** Whether a primary answering {@code status} sends the request to the secondary. */
  public boolean failsOverOn(int status) {
    return failoverStatusCodes.contains(status);
  }

  private static String allowed() {
    return new TreeSet<>(ALLOWED_STATUS_CODES).toString();
  }
}
