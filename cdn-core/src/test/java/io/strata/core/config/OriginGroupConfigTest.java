package io.strata.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.routing.Route;
import io.strata.core.routing.Router;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Origin groups, health checks and admission limits in the configuration. */
class OriginGroupConfigTest {
  private static final String GROUPS =
      """
      distributions:
        - id: site
          aliases: [example.com]
          origins:
            - id: a
              url: http://127.0.0.1:8000
              healthCheck: { path: /healthz, intervalMs: 1000 }
              maxInFlight: 64
              queueLimit: 16
              queueTimeoutMs: 500
            - id: b
              url: http://127.0.0.1:8001
          originGroups:
            - id: pair
              members: [a, b]
              failoverCriteria:
                statusCodes: [500, 502, 503, 504, 403, 404]
          defaultBehavior:
            origin: pair
          behaviors:
            - pathPattern: /direct/*
              origin: b
      """;

  private static ConfigException reject(String from, String to) {
    assertTrue(GROUPS.contains(from), from);
    return assertThrows(
        ConfigException.class, () -> ConfigLoader.parse(GROUPS.replace(from, to), "site.yaml"));
  }

  @Test
  void groupsHealthChecksAndLimitsAreBound() {
    Distribution d = ConfigLoader.parse(GROUPS, "site.yaml").distributions().get(0);
    OriginGroup group = d.originGroup("pair");
    assertEquals(List.of("a", "b"), group.members());
    assertEquals(Set.of(500, 502, 503, 504, 403, 404), group.failoverStatusCodes());
    assertTrue(group.failsOverOn(404));
    Origin a = d.origin("a");
    assertEquals("/healthz", a.healthCheck().path());
    assertEquals(1000, a.healthCheck().intervalMs());
    assertEquals(HealthCheck.DEFAULT_UNHEALTHY_THRESHOLD, a.healthCheck().unhealthyThreshold());
    assertEquals(new OriginLimits(64, 16, 500), a.limits());
    Origin b = d.origin("b");
    assertNull(b.healthCheck().path(), "no active checks unless a path is given");
    assertEquals(OriginLimits.DEFAULT, b.limits());
    assertNull(d.originGroup("a"));
  }

  @Test
  void aBehaviorNamingAGroupRoutesToItsPrimary() {
    Router router = new Router(ConfigLoader.parse(GROUPS, "site.yaml"));
    Route route = router.route("example.com", "/page");
    assertEquals("pair", route.behavior().origin());
    assertEquals("a", route.origin().id());
  }

  @Test
  void aMemberThatIsNoOriginIsRejectedWhereItIs() {
    ConfigException e = reject("members: [a, b]", "members: [a, c]");
    assertEquals(
        "site.yaml:15:22: distributions[0].originGroups[0].members[1]: 'c'"
            + " (expected: one of the distribution's origins: a, b)",
        e.getMessage());
  }

  @Test
  void aStatusCloudFrontDoesNotFailOverOnIsRejected() {
    ConfigException e = reject("[500, 502, 503, 504, 403, 404]", "[500, 418]");
    assertEquals(
        "site.yaml:17:30: distributions[0].originGroups[0].failoverCriteria.statusCodes[1]: 418"
            + " (expected: one of [400, 403, 404, 416, 500, 502, 503, 504])",
        e.getMessage());
  }

  @Test
  void aGroupNeedsExactlyTwoDifferentMembers() {
    assertTrue(
        reject("members: [a, b]", "members: [a]")
            .getMessage()
            .contains("originGroups[0].members: [a] (expected: exactly 2 origin ids"));
    assertTrue(
        reject("members: [a, b]", "members: [a, a]")
            .getMessage()
            .contains("originGroups[0].members[1]: 'a' (expected: different from members[0])"));
  }

  @Test
  void aGroupIdMayNotShadowAnOrigin() {
    ConfigException e = reject("- id: pair", "- id: a");
    assertTrue(
        e.getMessage()
            .contains(
                "distributions[0].originGroups[0].id: 'a' (expected: unique among origins and"
                    + " origin groups; already used by origins[0])"),
        e.getMessage());
  }

  @Test
  void aBehaviorNamingAnUnknownGroupListsOriginsAndGroups() {
    ConfigException e = reject("  origin: pair", "  origin: trio");
    assertTrue(
        e.getMessage()
            .endsWith(
                "distributions[0].defaultBehavior.origin: 'trio' (expected: one of the"
                    + " distribution's origins or origin groups: a, b, pair)"),
        e.getMessage());
  }

  @Test
  void healthCheckAndLimitValuesAreRangeChecked() {
    assertEquals(
        "site.yaml:7:40: distributions[0].origins[0].healthCheck.intervalMs: 5"
            + " (expected: 100..300000)",
        reject("intervalMs: 1000", "intervalMs: 5").getMessage());
    assertTrue(
        reject("path: /healthz", "path: healthz")
            .getMessage()
            .contains("healthCheck.path: 'healthz' (expected: a path starting with '/'"));
    assertTrue(
        reject("maxInFlight: 64", "maxInFlight: 0")
            .getMessage()
            .contains("origins[0].maxInFlight: 0 (expected: 1..100000)"));
    assertTrue(
        reject("queueTimeoutMs: 500", "queueTimeoutMs: 0")
            .getMessage()
            .contains("origins[0].queueTimeoutMs: 0 (expected: 1..60000)"));
  }

  @Test
  void unknownFieldsInAGroupAreRejected() {
    ConfigException e = reject("members: [a, b]", "members: [a, b]\n        weight: 1");
    assertTrue(
        e.getMessage().contains("unknown field 'weight' in distributions[0].originGroups[0]"));
  }
}
