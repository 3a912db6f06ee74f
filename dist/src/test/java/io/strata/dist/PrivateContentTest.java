package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.signing.PemKeys;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCannedPolicy;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy;
import software.amazon.awssdk.services.cloudfront.utils.SigningHashAlgorithm;

/**
 * Signed URLs and cookies minted by the AWS SDK for Java 2.x ({@code CloudFrontUtilities}) against
 * a real edge → regional → origin chain: accepted as minted, rejected with any byte changed.
 */
class PrivateContentTest {
  private static final KeyPair RSA = PemKeys.generate(PemKeys.KeyType.RSA);
  private static final KeyPair EC = PemKeys.generate(PemKeys.KeyType.EC);
  private static final CloudFrontUtilities SDK = CloudFrontUtilities.create();

  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;
  private static TestClient viewer;
  private static final Map<String, String> seenByOrigin = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req -> {
                  seenByOrigin.put(req.path(), req.uri() + " cookie=" + req.getHeader("Cookie"));
                  req.response()
                      .putHeader("Cache-Control", "max-age=600")
                      .end("content of " + req.path());
                });
    tiers = new Tiers(vertx, config(origin.url()), 1, null);
    viewer = new TestClient(vertx, tiers.edge.port());
  }

  @AfterAll
  static void stop() {
    viewer.close();
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  static String config(String originUrl) {
    return String.join(
        "\n",
        "publicKeys:",
        "  - id: KRSA2048",
        "    encodedKey: |",
        indent(PemKeys.toPem(RSA.getPublic()), 6),
        "  - id: KECP256",
        "    encodedKey: |",
        indent(PemKeys.toPem(EC.getPublic()), 6),
        "keyGroups:",
        "  - id: signers",
        "    keys: [KRSA2048, KECP256]",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1, localhost]",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior: { origin: web }",
        "    behaviors:",
        "      - pathPattern: /private/*",
        "        origin: web",
        "        trustedKeyGroups: [signers]",
        "      - pathPattern: /private-api/*",
        "        origin: web",
        "        trustedKeyGroups: [signers]",
        "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
        "");
  }

  static String indent(String text, int spaces) {
    String pad = " ".repeat(spaces);
    return text.lines().map(line -> pad + line).collect(Collectors.joining("\n"));
  }

  private String base() {
    return "http://127.0.0.1:" + tiers.edge.port();
  }

  private Instant in(Duration duration) {
    return Instant.ofEpochMilli(tiers.clock.millis()).plus(duration);
  }

  private static String target(String url) {
    return url.substring(url.indexOf('/', "http://".length()));
  }

  private Response get(String url) {
    return viewer.get(target(url));
  }

  private Response getWithCookies(String path, List<String> cookies) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", String.join("; ", cookies));
    return viewer.request(HttpMethod.GET, path, headers, null);
  }

  @Test
  void sdkCannedSignedUrlsAreAcceptedForRsaAndEcdsaWithSha1AndSha256() {
    for (SigningHashAlgorithm algorithm : SigningHashAlgorithm.values()) {
      for (String keyId : List.of("KRSA2048", "KECP256")) {
        KeyPair keys = keyId.equals("KRSA2048") ? RSA : EC;
        String path = "/private/canned-" + keyId + "-" + algorithm + ".txt";
        String url =
            SDK.getSignedUrlWithCannedPolicy(
                    r ->
                        r.resourceUrl(base() + path + "?v=1")
                            .privateKey(keys.getPrivate())
                            .keyPairId(keyId)
                            .expirationDate(in(Duration.ofMinutes(5)))
                            .hashAlgorithm(algorithm))
                .url();
        Response response = get(url);
        assertEquals(200, response.status(), url + " → " + response.text());
        assertEquals("content of " + path, response.text());
      }
    }
  }

  @Test
  void sdkCustomPolicyUrlWithWildcardIpAndStartTimeIsAccepted() {
    String url =
        SDK.getSignedUrlWithCustomPolicy(
                r ->
                    r.resourceUrl(base() + "/private/custom/a.txt")
                        .resourceUrlPattern(base() + "/private/custom/*")
                        .privateKey(RSA.getPrivate())
                        .keyPairId("KRSA2048")
                        .activeDate(in(Duration.ofSeconds(-60)))
                        .ipRange("127.0.0.0/8")
                        .expirationDate(in(Duration.ofMinutes(5))))
            .url();
    assertEquals(200, get(url).status());
    // The same policy and signature cover any file under the pattern.
    String query = url.substring(url.indexOf('?'));
    assertEquals(200, viewer.get("/private/custom/b.txt" + query).status());
    assertEquals(403, viewer.get("/private/other/b.txt" + query).status());
  }

  @Test
  void sdkSignedCookiesAreAcceptedAndNeverReachTheOrigin() {
    CookiesForCannedPolicy canned =
        SDK.getCookiesForCannedPolicy(
            r ->
                r.resourceUrl(base() + "/private-api/canned")
                    .privateKey(EC.getPrivate())
                    .keyPairId("KECP256")
                    .expirationDate(in(Duration.ofMinutes(5))));
    Response response =
        getWithCookies(
            "/private-api/canned",
            List.of(
                canned.expiresHeaderValue(),
                canned.signatureHeaderValue(),
                canned.keyPairIdHeaderValue(),
                "theme=dark"));
    assertEquals(200, response.status(), response.text());
    assertEquals("/private-api/canned cookie=theme=dark", seenByOrigin.get("/private-api/canned"));

    CookiesForCustomPolicy custom =
        SDK.getCookiesForCustomPolicy(
            r ->
                r.resourceUrl(base() + "/private/cookie/*")
                    .privateKey(RSA.getPrivate())
                    .keyPairId("KRSA2048")
                    .hashAlgorithm(SigningHashAlgorithm.SHA256)
                    .expirationDate(in(Duration.ofMinutes(5))));
    List<String> cookies =
        List.of(
            custom.policyHeaderValue(),
            custom.signatureHeaderValue(),
            custom.keyPairIdHeaderValue(),
            custom.hashAlgorithmHeaderValue());
    assertEquals(200, getWithCookies("/private/cookie/x.txt", cookies).status());
    assertEquals(403, getWithCookies("/private/elsewhere.txt", cookies).status());
  }

  @Test
  void signingParametersAreRemovedBeforeThePassThroughOrigin() {
    String url =
        SDK.getSignedUrlWithCannedPolicy(
                r ->
                    r.resourceUrl(base() + "/private-api/items?page=2")
                        .privateKey(RSA.getPrivate())
                        .keyPairId("KRSA2048")
                        .expirationDate(in(Duration.ofMinutes(5))))
            .url();
    assertEquals(200, get(url).status());
    assertEquals("/private-api/items?page=2 cookie=null", seenByOrigin.get("/private-api/items"));
  }

  @Test
  void missingSignatureGetsCloudFrontsXmlError() {
    Response response = viewer.get("/private/none.txt");
    assertEquals(403, response.status());
    assertEquals("Error from strata", response.header("X-Cache"));
    assertTrue(response.header("Content-Type").startsWith("text/xml"));
    assertEquals(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>MissingKey</Code>"
            + "<Message>Missing Key-Pair-Id query parameter or cookie value</Message></Error>",
        response.text());
    assertEquals(0, origin.hits("/private/none.txt"));
  }

  @Test
  void cachedObjectIsRefusedOnceTheUrlExpires() {
    String url =
        SDK.getSignedUrlWithCannedPolicy(
                r ->
                    r.resourceUrl(base() + "/private/expiring.txt")
                        .privateKey(RSA.getPrivate())
                        .keyPairId("KRSA2048")
                        .expirationDate(in(Duration.ofSeconds(30))))
            .url();
    assertEquals(200, get(url).status());
    MultiMap range = MultiMap.caseInsensitiveMultiMap().add("Range", "bytes=0-3");
    assertEquals(
        "Hit from strata",
        viewer.request(HttpMethod.GET, target(url), range, null).header("X-Cache"));
    tiers.clock.advance(Duration.ofSeconds(31));
    Response expired = viewer.request(HttpMethod.GET, target(url), range, null);
    assertEquals(403, expired.status());
    assertTrue(expired.text().contains("<Code>AccessDenied</Code>"));
    assertFalse(expired.text().contains("content of"));
  }

  @Test
  void sdkUrlsWithAnyByteChangedAreRejected() {
    String canned =
        SDK.getSignedUrlWithCannedPolicy(
                r ->
                    r.resourceUrl(base() + "/private/tamper.txt?a=1")
                        .privateKey(RSA.getPrivate())
                        .keyPairId("KRSA2048")
                        .expirationDate(in(Duration.ofMinutes(5))))
            .url();
    String custom =
        SDK.getSignedUrlWithCustomPolicy(
                r ->
                    r.resourceUrl(base() + "/private/tamper.txt?a=1")
                        .privateKey(EC.getPrivate())
                        .keyPairId("KECP256")
                        .hashAlgorithm(SigningHashAlgorithm.SHA256)
                        .expirationDate(in(Duration.ofMinutes(5))))
            .url();
    int checked = 0;
    for (String url : List.of(canned, custom)) {
      String original = target(url);
      assertEquals(200, viewer.get(original).status(), original);
      for (int i = 1; i < original.length(); i++) {
        char c = original.charAt(i);
        char replacement = c == 'A' ? 'B' : (c == '0' ? '1' : 'A');
        String changed = original.substring(0, i) + replacement + original.substring(i + 1);
        Response response = viewer.get(changed);
        if (changed.startsWith("/private/") || changed.startsWith("/private-api/")) {
          assertEquals(
              403, response.status(), "accepted after changing byte " + i + ": " + changed);
        } else {
          // The change moved the request out of the signed behavior: public content, never the
          // private object.
          assertFalse(response.text().contains("content of /private/"), changed);
        }
        checked++;
      }
      assertTrue(
          origin.hits("/private/tamper.txt") == 1,
          "a tampered URL reached the private origin path");
    }
    assertTrue(checked > 500, "checked " + checked);
  }
}
