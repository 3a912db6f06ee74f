package io.strata.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyLength;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * A cold object (a path unique to this run) requested by many virtual users at once, from a slow
 * origin. Then the origin and Strata are asked what happened: the origin must have been reached
 * exactly once (its own request counter), and each tier must have started exactly one fill (the
 * {@code strata_cache_misses_total} meters). Properties: {@code flashcrowd.users} (200), {@code
 * flashcrowd.originDelayMs} (300), {@code flashcrowd.p50Ms} (median bound, 2000; smoke 5000).
 */
public class Flashcrowd extends Simulation {
  private final Target target = Target.open("Flashcrowd");
  private final int users = Target.intProperty("flashcrowd.users", 200, 200);
  private final int delayMillis = Target.intProperty("flashcrowd.originDelayMs", 300, 300);
  private final int p50Millis = Target.intProperty("flashcrowd.p50Ms", 2000, 5000);
  private volatile String metricsBefore;
  private volatile long originHitsBefore;

  {
    String path = "/gen/64k/" + delayMillis + "ms/flash-" + Target.RUN_ID;
    ScenarioBuilder crowd =
        scenario("crowd")
            .exec(http("cold object").get(path).check(status().is(200), bodyLength().is(64 << 10)));
    ScenarioBuilder verify =
        scenario("verify")
            .exec(
                http("fills per tier")
                    .get(target.admin + "/metrics")
                    .check(
                        bodyString()
                            .transform(this::fillsPerTier)
                            .is("edge fills 1, regional fills 1")),
                http("origin requests")
                    .get(target.origin + "/api/time")
                    .check(
                        jsonPath("$.originHits")
                            .ofLong()
                            // This request and the baseline probe are the origin's own.
                            .transform(after -> "origin requests " + (after - originHitsBefore - 1))
                            .is("origin requests 1")));
    setUp(crowd.injectOpen(atOnceUsers(users)).andThen(verify.injectOpen(atOnceUsers(1))))
        .protocols(http.baseUrl(target.edge).disableCaching())
        .assertions(
            global().failedRequests().count().is(0L),
            details("cold object").responseTime().percentile(50.0).lt(p50Millis))
        .maxDuration(java.time.Duration.ofSeconds(120));
  }

  @Override
  public void before() {
    metricsBefore = target.metrics();
    originHitsBefore = target.originHits();
  }

  @Override
  public void after() {
    target.close();
  }

  private String fillsPerTier(String metrics) {
    String result =
        String.format(
            "edge fills %.0f, regional fills %.0f",
            Target.sample(metrics, "strata_cache_misses_total", "edge")
                - Target.sample(metricsBefore, "strata_cache_misses_total", "edge"),
            Target.sample(metrics, "strata_cache_misses_total", "regional")
                - Target.sample(metricsBefore, "strata_cache_misses_total", "regional"));
    System.out.println("Flashcrowd: " + users + " concurrent cold requests → " + result);
    return result;
  }
}
