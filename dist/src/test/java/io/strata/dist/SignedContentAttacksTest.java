package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.signing.HashAlgorithm;
import io.strata.core.signing.PemKeys;
import io.strata.core.signing.PolicySigner;
import io.strata.core.signing.SignedRequestVerifier;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signed-content attacks through a real edge: keys of another key group, key-id probing, replayed
 * expired URLs and oversized policies. Two behaviors trust two different key groups.
 */
class SignedContentAttacksTest {
  private static final KeyPair TEAM_A1 = PemKeys.generate(PemKeys.KeyType.EC);
  private static final KeyPair TEAM_A2 = PemKeys.generate(PemKeys.KeyType.EC);
  private static final KeyPair TEAM_B = PemKeys.generate(PemKeys.KeyType.EC);

  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;
  private static TestClient viewer;

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .end("secret of " + req.path()));
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
        key("KTEAMA1", TEAM_A1),
        key("KTEAMA2", TEAM_A2),
        key("KTEAMB", TEAM_B),
        "keyGroups:",
        "  - id: team-a",
        "    keys: [KTEAMA1, KTEAMA2]",
        "  - id: team-b",
        "    keys: [KTEAMB]",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1, localhost]",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior: { origin: web }",
        "    behaviors:",
        "      - pathPattern: /a/*",
        "        origin: web",
        "        trustedKeyGroups: [team-a]",
        "      - pathPattern: /b/*",
        "        origin: web",
        "        trustedKeyGroups: [team-b]",
        "");
  }

  private static String key(String id, KeyPair keys) {
    return String.join(
        "\n",
        "  - id: " + id,
        "    encodedKey: |",
        PrivateContentTest.indent(PemKeys.toPem(keys.getPublic()), 6));
  }

  private String sign(String path, long expiresIn, String keyId, KeyPair keys) {
    String url = "http://127.0.0.1:" + tiers.edge.port() + path;
    long expires = tiers.clock.millis() / 1000 + expiresIn;
    String signed =
        PolicySigner.signUrl(url, null, expires, keyId, keys.getPrivate(), HashAlgorithm.SHA256);
    return signed.substring(signed.indexOf('/', "http://".length()));
  }

  @Test
  void keyOfAnotherKeyGroupGetsTheSameAnswerAsAKeyThatDoesNotExist() {
    String otherGroup = sign("/a/report.txt", 300, "KTEAMB", TEAM_B);
    assertEquals(200, viewer.get(sign("/b/report.txt", 300, "KTEAMB", TEAM_B)).status());
    String missing = otherGroup.replace("Key-Pair-Id=KTEAMB", "Key-Pair-Id=KNOSUCHKEY");

    Response a = viewer.get(otherGroup);
    Response b = viewer.get(missing);
    assertEquals(403, a.status());
    assertEquals(a.status(), b.status());
    assertEquals(a.text(), b.text());
    assertTrue(a.text().contains("<Code>InvalidKey</Code><Message>Unknown Key</Message>"));
    for (String name : List.of("Content-Type", "Cache-Control", "X-Cache", "Content-Length")) {
      assertEquals(a.header(name), b.header(name), name);
    }
    assertEquals(0, origin.hits("/a/report.txt"));
  }

  @Test
  void signatureOfOneGroupKeyUnderTheOtherKeyIdIsDenied() {
    String url = sign("/a/swap.txt", 300, "KTEAMA1", TEAM_A1);
    assertEquals(200, viewer.get(url).status());
    Response swapped = viewer.get(url.replace("Key-Pair-Id=KTEAMA1", "Key-Pair-Id=KTEAMA2"));
    assertEquals(403, swapped.status());
    assertTrue(swapped.text().contains("<Code>AccessDenied</Code>"));
    assertFalse(swapped.text().contains("secret"));
  }

  @Test
  void replayedExpiredUrlIsDeniedAndNeverReachesTheOrigin() {
    String url = sign("/a/replay.txt", 30, "KTEAMA2", TEAM_A2);
    tiers.clock.advance(java.time.Duration.ofSeconds(31));
    for (int i = 0; i < 3; i++) {
      Response replay = viewer.get(url);
      assertEquals(403, replay.status());
      assertTrue(replay.text().contains("<Code>AccessDenied</Code>"));
    }
    assertEquals(0, origin.hits("/a/replay.txt"));
    assertTrue(
        tiers.registry.scrape().contains("reason=\"signature_expired\""),
        "operators see why; the viewer does not");
  }

  @Test
  void oversizedPolicyCookieIsMalformedWithoutBeingParsed() {
    String policy = "e".repeat(SignedRequestVerifier.MAX_POLICY_CHARS + 1);
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add(
                "Cookie",
                "CloudFront-Policy="
                    + policy
                    + "; CloudFront-Signature=AAAA; CloudFront-Key-Pair-Id=KTEAMA1");
    Response response = viewer.request(HttpMethod.GET, "/a/big.txt", headers, null);
    assertEquals(403, response.status());
    assertTrue(response.text().contains("<Code>MalformedPolicy</Code>"), response.text());
    assertEquals(0, origin.hits("/a/big.txt"));
  }
}
