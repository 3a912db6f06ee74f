package io.strata.core.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.core.net.Cidr;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * A parsed custom policy statement: what it grants and until when.
 *
 * @param resource the URL or wildcard pattern; {@code null} when the policy leaves it out (then it
 *     covers every URL)
 * @param dateLessThan epoch seconds; access ends at this instant
 * @param dateGreaterThan epoch seconds access starts after, or {@code null}
 * @param sourceIp the viewer address block, or {@code null}
 */
public record Policy(String resource, long dateLessThan, Long dateGreaterThan, Cidr sourceIp) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CONDITIONS =
      Set.of("DateLessThan", "DateGreaterThan", "IpAddress");

  /**
   * Parses policy JSON leniently in form (a {@code Statement} object or one-element array, any
   * whitespace, conditions in any order) and strictly in content: exactly one statement, a required
   * {@code DateLessThan}, only the conditions CloudFront defines, because a condition this verifier
   * ignored would grant more than the signer meant.
   *
   * @throws IllegalArgumentException describing what is malformed
   */
  public static Policy parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("policy is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("policy is not a JSON object");
    }
    JsonNode statement = root.get("Statement");
    if (statement != null && statement.isArray()) {
      if (statement.size() != 1) {
        throw new IllegalArgumentException("policy must hold exactly one statement");
      }
      statement = statement.get(0);
    }
    if (statement == null || !statement.isObject()) {
      throw new IllegalArgumentException("policy has no Statement object");
    }
    String resource = null;
    JsonNode resourceNode = statement.get("Resource");
    if (resourceNode != null) {
      if (!resourceNode.isTextual()) {
        throw new IllegalArgumentException("Resource is not a string");
      }
      resource = resourceNode.asText();
    }
    JsonNode condition = statement.get("Condition");
    if (condition == null || !condition.isObject()) {
      throw new IllegalArgumentException("policy has no Condition object");
    }
    for (Iterator<String> names = condition.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!CONDITIONS.contains(name)) {
        throw new IllegalArgumentException("unknown condition " + name);
      }
    }
    Long lessThan = epoch(condition.get("DateLessThan"));
    if (lessThan == null) {
      throw new IllegalArgumentException("DateLessThan is required");
    }
    Long greaterThan =
        condition.has("DateGreaterThan") ? epoch(condition.get("DateGreaterThan")) : null;
    if (condition.has("DateGreaterThan") && greaterThan == null) {
      throw new IllegalArgumentException("DateGreaterThan has no AWS:EpochTime");
    }
    Cidr sourceIp = null;
    JsonNode ip = condition.get("IpAddress");
    if (ip != null) {
      JsonNode source = ip.get("AWS:SourceIp");
      if (source == null || !source.isTextual()) {
        throw new IllegalArgumentException("IpAddress has no AWS:SourceIp string");
      }
      sourceIp = Cidr.parse(source.asText());
    }
    return new Policy(resource, lessThan, greaterThan, sourceIp);
  }

  private static Long epoch(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode time = node.get("AWS:EpochTime");
    if (time == null) {
      return null;
    }
    if (time.isIntegralNumber() && time.canConvertToLong()) {
      return time.asLong();
    }
    if (time.isTextual() && time.asText().matches("[0-9]{1,12}")) {
      return Long.parseLong(time.asText());
    }
    return null;
  }
}
