package io.strata.load;

import static io.gatling.javaapi.core.CoreDsl.bodyLength;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small set of cached objects (1 KiB, 16 KiB, 256 KiB, 1 MiB), every request a hit at the edge.
 * Properties: {@code hotset.users} (32; smoke 8), {@code hotset.seconds} (60; smoke 5), {@code
 * hotset.p99Ms} (p99 bound per size, 200; smoke 3000).
 */
public class HotSet extends Simulation {
  static final String[] SIZES = {"1k", "16k", "256k", "1m"};

  private final Target target = Target.open("HotSet");
  private final int users = Target.intProperty("hotset.users", 32, 8);
  private final Duration duration = Duration.ofSeconds(Target.intProperty("hotset.seconds", 60, 5));
  private final int p99Millis = Target.intProperty("hotset.p99Ms", 200, 3000);

  {
    HttpProtocolBuilder protocol = http.baseUrl(target.edge).disableCaching();
    ChainBuilder requests = exec(session -> session);
    List<Assertion> assertions = new ArrayList<>();
    assertions.add(global().failedRequests().count().is(0L));
    for (String size : SIZES) {
      int bytes = bytes(size);
      requests =
          requests.exec(
              http(label(size))
                  .get(path(size))
                  .check(
                      status().is(200),
                      header("X-Cache").is("Hit from strata"),
                      bodyLength().is(bytes)));
      assertions.add(details(label(size)).responseTime().percentile(99.0).lt(p99Millis));
    }
    ScenarioBuilder hot = scenario("hot set").during(duration).on(requests);
    setUp(
            hot.injectClosed(
                io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers(users).during(duration)))
        .protocols(protocol)
        .assertions(assertions)
        .maxDuration(duration.plusSeconds(60));
  }

  /** Fills both tiers, so every measured request is an edge hit. */
  @Override
  public void before() {
    for (String size : SIZES) {
      for (int i = 0; i < 2; i++) {
        int status = Target.get(target.edge + path(size)).statusCode();
        if (status != 200) {
          throw new IllegalStateException("warm-up of " + path(size) + " got " + status);
        }
      }
    }
  }

  @Override
  public void after() {
    target.close();
  }

  static String label(String size) {
    return size.toUpperCase(java.util.Locale.ROOT).replace("K", " KiB").replace("M", " MiB");
  }

  private static String path(String size) {
    return "/gen/" + size + "/hot-" + size;
  }

  static int bytes(String size) {
    return size.endsWith("m")
        ? Integer.parseInt(size.substring(0, size.length() - 1)) << 20
        : size.endsWith("k")
            ? Integer.parseInt(size.substring(0, size.length() - 1)) << 10
            : Integer.parseInt(size);
  }
}
