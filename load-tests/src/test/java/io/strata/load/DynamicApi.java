package io.strata.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Function traffic. The API gateway does not exist yet, so functions are driven the two ways Strata
 * has today: as a behavior's origin through the edge (the function URL of {@code strata-load-fn},
 * configured in {@code load-tests/strata-load.yaml}) — {@code /fn/*} cached as the function's
 * {@code Cache-Control} says, {@code /fn/live/*} with caching disabled, so every request runs the
 * function — and through Lambda's Invoke API. The function (Python) is deployed through the control
 * plane before the run (its admin token: {@code strata.adminToken} or {@code STRATA_ADMIN_TOKEN}).
 * At the end the function runtime's {@code strata_function_invocations_total} must have grown by
 * exactly the live and invoked requests: cached paths, warmed before the run, never reach it.
 * Properties: {@code dynamic.users} (16; smoke 4), {@code dynamic.seconds} (60; smoke 4), {@code
 * dynamic.p99Ms} (p99 bound per request kind, 500; smoke 3000).
 */
public class DynamicApi extends Simulation {
  static final String FUNCTION = "strata-load-fn";
  static final int CACHED_PATHS = 10;
  static final String HANDLER =
      String.join(
          "\n",
          "def handler(event, context):",
          "    path = event.get('rawPath')",
          "    if path is None:",
          "        return {'echo': event.get('n'), 'requestId': context.aws_request_id}",
          "    cached = path.startswith('/fn/cached/')",
          "    return {'statusCode': 200,",
          "            'headers': {'content-type': 'text/plain',",
          "                        'cache-control': 'public, max-age=600' if cached else"
              + " 'no-store'},",
          "            'body': 'fn ' + path}",
          "");

  private final Target target = Target.open("DynamicApi");
  private final int users = Target.intProperty("dynamic.users", 16, 4);
  private final Duration duration =
      Duration.ofSeconds(Target.intProperty("dynamic.seconds", 60, 4));
  private final int p99Millis = Target.intProperty("dynamic.p99Ms", 500, 3000);
  private final AtomicLong liveSent = new AtomicLong();
  private final AtomicLong invokesSent = new AtomicLong();
  private volatile String metricsBefore;

  {
    ChainBuilder mix =
        exec(session ->
                session
                    .set("item", ThreadLocalRandom.current().nextInt(CACHED_PATHS))
                    .set("n", ThreadLocalRandom.current().nextInt(1_000_000)))
            .exec(
                http("edge, cached function response")
                    .get("/fn/cached/item-#{item}")
                    .check(
                        status().is(200),
                        header("X-Cache").is("Hit from strata"),
                        bodyString().is(session -> "fn /fn/cached/item-" + session.getInt("item"))))
            .exec(
                session -> {
                  liveSent.incrementAndGet();
                  return session;
                })
            .exec(
                http("edge, function on every request")
                    .get("/fn/live/n-#{n}")
                    .check(
                        status().is(200),
                        bodyString().is(session -> "fn /fn/live/n-" + session.getInt("n"))))
            .exec(
                session -> {
                  invokesSent.incrementAndGet();
                  return session;
                })
            .exec(
                http("Invoke API")
                    .post(target.functions + "/2015-03-31/functions/" + FUNCTION + "/invocations")
                    .body(StringBody("{\"n\": #{n}}"))
                    .check(status().is(200), jsonPath("$.echo").ofInt().isEL("#{n}")));
    // Whole iterations only (exitASAP false): the counters above must match requests sent.
    ScenarioBuilder traffic = scenario("dynamic api").during(duration, false).on(mix);
    ScenarioBuilder verify =
        scenario("verify")
            .exec(
                http("function invocations")
                    .get(target.admin + "/metrics")
                    .check(
                        bodyString()
                            .transform(this::invocations)
                            .is(session -> "invocations " + (liveSent.get() + invokesSent.get()))));
    List<Assertion> assertions = new ArrayList<>();
    assertions.add(global().failedRequests().count().is(0L));
    for (String name :
        List.of(
            "edge, cached function response", "edge, function on every request", "Invoke API")) {
      assertions.add(details(name).responseTime().percentile(99.0).lt(p99Millis));
    }
    setUp(
            traffic
                .injectClosed(constantConcurrentUsers(users).during(duration))
                .andThen(verify.injectOpen(atOnceUsers(1))))
        .protocols(http.baseUrl(target.edge).disableCaching())
        .assertions(assertions)
        .maxDuration(duration.plusSeconds(60));
  }

  /**
   * Deploys the function and creates its URL (kept when a previous run made them), then fills both
   * tiers with the cached paths, so the run's cached requests are edge hits.
   */
  @Override
  public void before() {
    // Functions are managed through the control plane, which the runtime follows.
    String create =
        "{\"id\":\""
            + FUNCTION
            + "\",\"runtime\":\"python3\",\"handler\":\"app.handler\",\"code\":{\"zipFile\":\""
            + Base64.getEncoder().encodeToString(zip("app.py", HANDLER))
            + "\"}}";
    expect(
        Target.post(
            target.controlPlane + "/v1/functions", "application/json", create, target.adminToken),
        201,
        409);
    // The function URL stays on the runtime; it answers 404 until the runtime has applied the
    // control plane's state with the new function (one long-poll round).
    String urlConfig = target.functions + "/2021-10-31/functions/" + FUNCTION + "/url";
    HttpResponse<String> created =
        Target.post(urlConfig, "application/json", "{\"AuthType\":\"NONE\"}");
    for (long deadline = System.nanoTime() + 15_000_000_000L;
        created.statusCode() == 404 && System.nanoTime() < deadline; ) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      created = Target.post(urlConfig, "application/json", "{\"AuthType\":\"NONE\"}");
    }
    expect(created, 201, 409);
    for (int i = 0; i < CACHED_PATHS; i++) {
      String url = target.edge + "/fn/cached/item-" + i;
      for (int attempt = 0; attempt < 2; attempt++) {
        HttpResponse<byte[]> r = Target.get(url);
        if (r.statusCode() != 200) {
          throw new IllegalStateException(
              "warm-up of " + url + " got " + r.statusCode() + ": " + new String(r.body()));
        }
      }
    }
    metricsBefore = target.metrics();
  }

  @Override
  public void after() {
    target.close();
  }

  private String invocations(String metrics) {
    String name = "strata_function_invocations_total";
    String label = "function=\"" + FUNCTION + "\"";
    double delta =
        Target.sampleWith(metrics, name, label) - Target.sampleWith(metricsBefore, name, label);
    System.out.printf(
        "DynamicApi: %d live edge requests + %d Invoke API calls; the function ran %.0f times%n",
        liveSent.get(), invokesSent.get(), delta);
    return String.format("invocations %.0f", delta);
  }

  private static void expect(HttpResponse<String> response, int... statuses) {
    for (int s : statuses) {
      if (response.statusCode() == s) {
        return;
      }
    }
    throw new IllegalStateException(
        "function set-up: " + response.statusCode() + " " + response.body());
  }

  private static byte[] zip(String name, String content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(content.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
