package io.strata.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.strata.core.signing.HashAlgorithm;
import io.strata.core.signing.PemKeys;
import io.strata.core.signing.Policies;
import io.strata.core.signing.PolicySigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signed URL and signed cookie traffic against the example distribution's {@code /private/*}
 * behavior (trusted key group {@code demo-signers}, signed with the demo key in {@code
 * examples/keys}): valid canned and custom-policy URLs and cookies (200 with the private file),
 * expired ones and tampered ones (403 with CloudFront's XML error), interleaved. At the end the
 * edge's {@code strata_viewer_rejections_total} must have counted exactly the expired requests as
 * {@code signature_expired} and the tampered ones as {@code signature_bad_signature}. Properties:
 * {@code signed.users} (16; smoke 4), {@code signed.seconds} (60; smoke 4), {@code signed.p99Ms}
 * (p99 bound per request kind, 100; smoke 3000).
 */
public class SignedContent extends Simulation {
  static final String KEY_ID = "KDEMO0EXAMPLE";
  static final String PATH = "/private/report.txt";
  static final String BODY = "This report is private";

  private final Target target = Target.open("SignedContent");
  private final int users = Target.intProperty("signed.users", 16, 4);
  private final Duration duration = Duration.ofSeconds(Target.intProperty("signed.seconds", 60, 4));
  private final int p99Millis = Target.intProperty("signed.p99Ms", 100, 3000);
  private final AtomicLong expiredSent = new AtomicLong();
  private final AtomicLong tamperedSent = new AtomicLong();
  private volatile String metricsBefore;

  {
    PrivateKey key = demoKey();
    long now = System.currentTimeMillis() / 1000;
    String resource = target.edge + PATH;
    // Valid: a canned policy (SHA-1, CloudFront's default) and a custom policy over the whole
    // behavior (SHA-256); cookies with either.
    String cannedUrl =
        PolicySigner.signUrl(resource, null, now + 3600, KEY_ID, key, HashAlgorithm.SHA1);
    String customPolicy = Policies.custom(target.edge + "/private/*", now + 3600, null, null);
    String customUrl =
        PolicySigner.signUrl(resource, customPolicy, 0, KEY_ID, key, HashAlgorithm.SHA256);
    String cookies =
        String.join(
            "; ",
            PolicySigner.signCookies(resource, customPolicy, 0, KEY_ID, key, HashAlgorithm.SHA1));
    // Expired a minute ago, correctly signed.
    String expiredUrl =
        PolicySigner.signUrl(resource, null, now - 60, KEY_ID, key, HashAlgorithm.SHA1);
    String expiredCookies =
        String.join(
            "; ",
            PolicySigner.signCookies(resource, null, now - 60, KEY_ID, key, HashAlgorithm.SHA1));
    // Tampered: the expiry pushed out after signing; one signature character changed.
    String tamperedUrl = cannedUrl.replace("Expires=" + (now + 3600), "Expires=" + (now + 7200));
    String tamperedCookies = flipSignatureCharacter(cookies);

    ChainBuilder mix =
        exec(
            accepted("signed URL, canned", cannedUrl, null),
            accepted("signed URL, custom policy", customUrl, null),
            accepted("signed cookies", PATH, cookies),
            refused("signed URL, expired", expiredUrl, null, expiredSent),
            refused("signed URL, tampered", tamperedUrl, null, tamperedSent),
            refused("signed cookies, expired", PATH, expiredCookies, expiredSent),
            refused("signed cookies, tampered", PATH, tamperedCookies, tamperedSent));
    // Whole iterations only (exitASAP false): the counters above must match requests sent.
    ScenarioBuilder traffic = scenario("signed content").during(duration, false).on(mix);
    ScenarioBuilder verify =
        scenario("verify")
            .exec(
                http("rejections by reason")
                    .get(target.admin + "/metrics")
                    .check(
                        bodyString()
                            .transform(this::rejections)
                            .is(
                                session ->
                                    "expired "
                                        + expiredSent.get()
                                        + ", bad signature "
                                        + tamperedSent.get())));
    List<Assertion> assertions = new ArrayList<>();
    assertions.add(global().failedRequests().count().is(0L));
    for (String name :
        List.of(
            "signed URL, canned",
            "signed URL, custom policy",
            "signed cookies",
            "signed URL, expired",
            "signed URL, tampered",
            "signed cookies, expired",
            "signed cookies, tampered")) {
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

  @Override
  public void before() {
    metricsBefore = target.metrics();
  }

  @Override
  public void after() {
    target.close();
  }

  private static ChainBuilder accepted(String name, String url, String cookies) {
    var request = http(name).get(url);
    if (cookies != null) {
      request = request.header("Cookie", cookies);
    }
    return exec(
        request.check(status().is(200), bodyString().transform(b -> b.contains(BODY)).is(true)));
  }

  private static ChainBuilder refused(String name, String url, String cookies, AtomicLong counter) {
    var request = http(name).get(url);
    if (cookies != null) {
      request = request.header("Cookie", cookies);
    }
    return exec(session -> {
          counter.incrementAndGet();
          return session;
        })
        .exec(
            request.check(
                status().is(403),
                bodyString().transform(b -> b.contains("<Code>AccessDenied</Code>")).is(true),
                bodyString().transform(b -> b.contains(BODY)).is(false)));
  }

  private String rejections(String metrics) {
    String result =
        String.format(
            "expired %.0f, bad signature %.0f",
            delta(metrics, "reason=\"signature_expired\""),
            delta(metrics, "reason=\"signature_bad_signature\""));
    System.out.println("SignedContent: edge rejections " + result);
    return result;
  }

  private double delta(String metrics, String label) {
    String name = "strata_viewer_rejections_total";
    return Target.sampleWith(metrics, name, label) - Target.sampleWith(metricsBefore, name, label);
  }

  private static PrivateKey demoKey() {
    try {
      return PemKeys.parsePrivateKey(
          Files.readString(Target.home().resolve("examples/keys/demo-private.pem")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cookies with one character of {@code CloudFront-Signature} replaced by another. */
  static String flipSignatureCharacter(String cookies) {
    String marker = PolicySigner.COOKIE_PREFIX + PolicySigner.SIGNATURE + "=";
    int at = cookies.indexOf(marker) + marker.length() + 10;
    char c = cookies.charAt(at);
    return cookies.substring(0, at) + (c == 'A' ? 'B' : 'A') + cookies.substring(at + 1);
  }
}
