package io.strata.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.net.Cidr;
import io.strata.core.signing.PemKeys;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The viewer-facing configuration: keys, key groups, error responses, restrictions, policies. */
class EdgeConfigTest {
  private static final String PEM =
      PemKeys.toPem(PemKeys.generate(PemKeys.KeyType.RSA).getPublic())
          .lines()
          .map(line -> "      " + line)
          .collect(Collectors.joining("\n"));

  private static String yaml(String... distributionLines) {
    return String.join(
        "\n",
        "publicKeys:",
        "  - id: K2JCJMDEHXQW5F",
        "    encodedKey: |",
        PEM,
        "keyGroups:",
        "  - id: signers",
        "    keys: [K2JCJMDEHXQW5F]",
        "distributions:",
        "  - id: site",
        "    aliases: [localhost, 127.0.0.1, www.example.test]",
        "    origins: [{ id: web, url: \"http://127.0.0.1:8000\" }]",
        "    defaultBehavior: { origin: web }",
        String.join("\n", distributionLines),
        "");
  }

  private static String failure(String text) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(text, "site.yaml"))
        .getMessage();
  }

  @Test
  void issueShapedConfigurationIsRead() {
    StrataConfig config =
        ConfigLoader.parse(
            yaml(
                "    viewerProtocolPolicy: redirect-to-https",
                "    behaviors:",
                "      - pathPattern: /private/*",
                "        origin: web",
                "        trustedKeyGroups: [signers]",
                "        viewerProtocolPolicy: https-only",
                "        allowedMethods: [GET, HEAD, OPTIONS]",
                "        cachedMethods: [GET, HEAD, OPTIONS]",
                "    customErrorResponses:",
                "      - { errorCode: 404, responsePagePath: /errors/404.html, responseCode: 404,"
                    + " errorCachingMinTtl: 10 }",
                "      - { errorCode: 503 }",
                "    restrictions:",
                "      ipAllow: [10.0.0.0/8, \"2001:db8::/32\"]",
                "      ipDeny: [10.1.0.0/16]",
                "      geoRestriction: { restrictionType: blacklist, locations: [fr, DE] }",
                "    rateLimit: { requestsPerSecond: 50 }",
                "    requestLimits: { maxUrlLength: 2048, maxBodyBytes: 1048576 }"),
            "site.yaml");
    Distribution site = config.distributions().get(0);
    assertEquals(ViewerProtocolPolicy.REDIRECT_TO_HTTPS, site.edge().viewerProtocolPolicy());
    Behavior signed = site.behaviors().get(0);
    assertEquals(List.of("signers"), signed.viewer().trustedKeyGroups());
    assertEquals(ViewerProtocolPolicy.HTTPS_ONLY, signed.viewer().viewerProtocolPolicy());
    assertEquals(AllowedMethods.GET_HEAD_OPTIONS, signed.viewer().allowedMethods());
    assertTrue(signed.viewer().cacheOptions());
    assertEquals(1, config.trustedKeys(List.of("signers")).size());
    assertEquals(
        new CustomErrorResponse(404, "/errors/404.html", 404, 10),
        site.edge().customErrorResponses().get(0));
    assertEquals(
        CustomErrorResponse.DEFAULT_ERROR_CACHING_MIN_TTL,
        site.edge().customErrorResponses().get(1).errorCachingMinTtl());
    assertNull(site.edge().customErrorResponses().get(1).responsePagePath());
    Restrictions restrictions = site.edge().restrictions();
    assertTrue(restrictions.ipAllow().get(1).contains(Cidr.literal("2001:db8::7")));
    assertEquals("block", restrictions.geoType());
    assertEquals(List.of("FR", "DE"), restrictions.geoLocations());
    assertEquals(new RateLimit(50, 50), site.edge().rateLimit());
    assertEquals(new RequestLimits(2048, 1048576), site.edge().requestLimits());
    assertEquals(AllowedMethods.ALL, site.defaultBehavior().viewer().allowedMethods());
  }

  @Test
  void responsePagePathWithoutResponseCodeIsRefused() {
    assertEquals(
        "site.yaml:22:9: distributions[0].customErrorResponses[0].responseCode: missing"
            + " (expected: responsePagePath and responseCode set together or not at all)",
        failure(
            yaml(
                "    customErrorResponses:",
                "      - { errorCode: 404, responsePagePath: /errors/404.html }")));
  }

  @Test
  void errorCodeOutsideCloudFrontsListIsRefused() {
    assertTrue(
        failure(yaml("    customErrorResponses: [{ errorCode: 418 }]"))
            .contains("errorCode: 418 (expected: one of 400, 403, 404, 405, 414, 416, 500-504)"));
  }

  @Test
  void unknownKeyGroupIsRefused() {
    assertTrue(
        failure(
                yaml(
                    "    behaviors:",
                    "      - { pathPattern: /p/*, origin: web, trustedKeyGroups: [nobody] }"))
            .contains(
                "distributions[0].behaviors[0].trustedKeyGroups[0]: 'nobody' (expected: the id of"
                    + " one of keyGroups)"));
  }

  @Test
  void keyGroupNamingAnUnknownKeyIsRefused() {
    String text = yaml().replace("keys: [K2JCJMDEHXQW5F]", "keys: [K2JCJMDEHXQW5F, KMISSING]");
    assertTrue(
        failure(text)
            .contains("keyGroups[0].keys[1]: 'KMISSING' (expected: the id of one of publicKeys)"));
  }

  @Test
  void publicKeyThatIsNotPemIsRefused() {
    String text = yaml().replace("-----BEGIN PUBLIC KEY-----", "-----BEGIN NONSENSE-----");
    assertTrue(failure(text).contains("publicKeys[0].encodedKey:"), failure(text));
  }

  @Test
  void protocolPolicyAndMethodsMustBeCloudFrontValues() {
    assertTrue(
        failure(yaml("    viewerProtocolPolicy: https"))
            .contains(
                "viewerProtocolPolicy: 'https' (expected: allow-all, redirect-to-https or"
                    + " https-only)"));
    assertTrue(
        failure(
                yaml(
                    "    behaviors:",
                    "      - { pathPattern: /p/*, origin: web, allowedMethods: [GET, POST] }"))
            .contains(
                "allowedMethods: [GET, POST] (expected: [GET, HEAD], [GET, HEAD, OPTIONS] or"));
  }

  @Test
  void badCidrIsRefusedWithItsIndex() {
    assertTrue(
        failure(yaml("    restrictions: { ipDeny: [10.0.0.0/8, 10.0.0.0/33] }"))
            .contains("restrictions.ipDeny[1]: '10.0.0.0/33' (expected: a prefix length 0..32"));
  }

  @Test
  void removingAProtectedHeaderIsRefused() {
    String text =
        yaml(
                "    behaviors:",
                "      - { pathPattern: /p/*, origin: web, responseHeadersPolicy: h }")
            + "responseHeadersPolicies:\n  - { id: h, removeHeaders: [Content-Encoding] }\n";
    assertTrue(
        failure(text).contains("removeHeaders[0]: 'Content-Encoding' (expected: a header"),
        failure(text));
  }

  @Test
  void unknownResponseHeadersPolicyIsRefused() {
    assertTrue(
        failure(
                yaml(
                    "    behaviors:",
                    "      - { pathPattern: /p/*, origin: web, responseHeadersPolicy: nope }"))
            .contains("(expected: the id of one of responseHeadersPolicies)"));
  }
}
