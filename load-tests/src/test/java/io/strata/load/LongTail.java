package io.strata.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyLength;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

/**
 * Zipf-distributed keys over a catalogue larger than the edge's byte budget. At the end one request
 * reads Strata's metrics: it reports the edge and regional hit ratios of this run (printed and
 * written to {@code target/gatling/longtail-hit-ratio.txt}) and fails when a store holds more than
 * its budget. Properties: {@code longtail.objects} (40000; smoke 3000), {@code longtail.size} (16k;
 * smoke 8k), {@code longtail.zipf} (exponent, 1.0), {@code longtail.users} (32; smoke 8), {@code
 * longtail.seconds} (60; smoke 6), {@code longtail.p99Ms} (500; smoke 3000).
 */
public class LongTail extends Simulation {
  private final Target target = Target.open("LongTail");
  private final int objects = Target.intProperty("longtail.objects", 40_000, 3_000);
  private final String size = Target.size("longtail.size", "16k", "8k");
  private final double exponent = Double.parseDouble(System.getProperty("longtail.zipf", "1.0"));
  private final int users = Target.intProperty("longtail.users", 32, 8);
  private final Duration duration =
      Duration.ofSeconds(Target.intProperty("longtail.seconds", 60, 6));
  private final int p99Millis = Target.intProperty("longtail.p99Ms", 500, 3000);
  private volatile String baseline;

  {
    Zipf zipf = new Zipf(objects, exponent, 42);
    Iterator<Map<String, Object>> keys =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Map<String, Object> next() {
            return Map.of("key", zipf.next());
          }
        };
    ScenarioBuilder tail =
        scenario("long tail")
            .during(duration)
            .on(
                io.gatling.javaapi.core.CoreDsl.feed(keys)
                    .exec(
                        http("object")
                            .get("/gen/" + size + "/lt-" + Target.RUN_ID + "-#{key}")
                            .check(
                                status().is(200),
                                bodyLength().is(HotSet.bytes(size)),
                                header("X-Cache").in("Hit from strata", "Miss from strata"))));
    ScenarioBuilder report =
        scenario("metrics")
            .exec(
                http("metrics")
                    .get(target.admin + "/metrics")
                    .check(
                        status().is(200),
                        bodyString()
                            .transform(this::reportAndCheckBudgets)
                            .is("stores within their byte budgets")));
    setUp(
            tail.injectClosed(constantConcurrentUsers(users).during(duration))
                .andThen(report.injectOpen(atOnceUsers(1))))
        .protocols(http.baseUrl(target.edge).disableCaching())
        .assertions(
            global().failedRequests().count().is(0L),
            details("object").responseTime().percentile(99.0).lt(p99Millis))
        .maxDuration(duration.plusSeconds(60));
  }

  @Override
  public void before() {
    baseline = target.metrics();
  }

  @Override
  public void after() {
    target.close();
  }

  private String reportAndCheckBudgets(String metrics) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                "LongTail: %d objects of %s, Zipf s=%.2f, %d users, %d s%n",
                objects, size, exponent, users, duration.toSeconds()));
    String verdict = "stores within their byte budgets";
    for (String role : new String[] {"edge", "regional"}) {
      double hits = delta(metrics, "strata_cache_hits_total", role);
      double misses = delta(metrics, "strata_cache_misses_total", role);
      double collapsed = delta(metrics, "strata_cache_collapsed_total", role);
      double sizeBytes = Target.sample(metrics, "strata_cache_size_bytes", role);
      double budget = Target.sample(metrics, "strata_cache_budget_bytes", role);
      double requests = hits + misses + collapsed;
      out.append(
          String.format(
              "  %-8s hit ratio %.3f (%.0f hits, %.0f misses, %.0f collapsed); store %.1f MiB of"
                  + " %.1f MiB, %.0f evictions%n",
              role,
              requests == 0 ? 0 : hits / requests,
              hits,
              misses,
              collapsed,
              sizeBytes / (1 << 20),
              budget / (1 << 20),
              delta(metrics, "strata_cache_evictions_total", role)));
      if (budget <= 0 || sizeBytes > budget) {
        verdict = role + " store holds " + sizeBytes + " bytes, budget " + budget;
      }
    }
    double heap = 0;
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+-]+)$")
            .matcher(metrics);
    while (m.find()) {
      heap += Double.parseDouble(m.group(1));
    }
    out.append(String.format("  heap used at the end %.1f MiB%n", heap / (1 << 20)));
    System.out.print(out);
    try {
      Path file = Target.workDir().resolve("gatling").resolve("longtail-hit-ratio.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, out);
    } catch (java.io.IOException e) {
      System.err.println("could not write the hit-ratio report: " + e);
    }
    return verdict;
  }

  private double delta(String metrics, String name, String role) {
    return Target.sample(metrics, name, role) - Target.sample(baseline, name, role);
  }

  /** Zipf(s) over 1..n by inverse transform on the precomputed CDF. */
  static final class Zipf {
    private final double[] cdf;
    private final Random random;

    Zipf(int n, double s, long seed) {
      cdf = new double[n];
      double sum = 0;
      for (int k = 1; k <= n; k++) {
        sum += 1 / Math.pow(k, s);
        cdf[k - 1] = sum;
      }
      for (int i = 0; i < n; i++) {
        cdf[i] /= sum;
      }
      random = new Random(seed);
    }

    synchronized int next() {
      double u = random.nextDouble();
      int i = java.util.Arrays.binarySearch(cdf, u);
      return (i >= 0 ? i : -i - 1) + 1;
    }
  }
}
