package io.strata.core.routing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.strata.core.config.ConfigLoader;
import io.strata.core.signing.PemKeys;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which routes the hit fast path may serve: those whose viewer stages are all no-ops. */
class PlainRouteTest {
  private static final String ORIGIN = "    origins: [{ id: web, url: 'http://127.0.0.1:8000' }]";

  private final Router router =
      new Router(
          ConfigLoader.parse(
              String.join(
                  "\n",
                  "publicKeys:",
                  "  - id: K1",
                  "    encodedKey: |",
                  PemKeys.toPem(PemKeys.generate(PemKeys.KeyType.EC).getPublic())
                      .lines()
                      .map(line -> "      " + line)
                      .collect(Collectors.joining("\n")),
                  "keyGroups: [{ id: signers, keys: [K1] }]",
                  "responseHeadersPolicies:",
                  "  - id: hsts",
                  "    securityHeaders: { strictTransportSecurity: \"max-age=600\" }",
                  "distributions:",
                  "  - id: site",
                  "    aliases: [site.test]",
                  ORIGIN,
                  "    defaultBehavior: { origin: web }",
                  "    behaviors:",
                  "      - { pathPattern: /private/*, origin: web, trustedKeyGroups: [signers] }",
                  "      - { pathPattern: /headers/*, origin: web, responseHeadersPolicy: hsts }",
                  "      - { pathPattern: /tls/*, origin: web, viewerProtocolPolicy: https-only }",
                  "      - pathPattern: /moved/*",
                  "        origin: web",
                  "        viewerProtocolPolicy: redirect-to-https",
                  "      - pathPattern: /nocache/*",
                  "        origin: web",
                  "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
                  "      - pathPattern: /fn/*",
                  "        origin: web",
                  "        lambdaFunctionAssociations:",
                  "          - { eventType: origin-request, lambdaFunctionArn: router }",
                  "  - id: denied",
                  "    aliases: [denied.test]",
                  ORIGIN,
                  "    defaultBehavior: { origin: web }",
                  "    restrictions: { ipDeny: [192.0.2.0/24] }",
                  "  - id: geo",
                  "    aliases: [geo.test]",
                  ORIGIN,
                  "    defaultBehavior: { origin: web }",
                  "    restrictions: { geoRestriction: { restrictionType: block, locations: [FR] }"
                      + " }",
                  "  - id: rated",
                  "    aliases: [rated.test]",
                  ORIGIN,
                  "    defaultBehavior: { origin: web }",
                  "    rateLimit: { requestsPerSecond: 2, burst: 3 }",
                  "  - id: secure",
                  "    aliases: [secure.test]",
                  ORIGIN,
                  "    defaultBehavior: { origin: web }",
                  "    viewerProtocolPolicy: redirect-to-https",
                  ""),
              "plain.yaml"));

  @Test
  void behaviorWithoutViewerStagesIsPlainOverBothSchemes() {
    assertSame(router.route("site.test", "/a.js"), router.plainRoute("site.test", "/a.js", false));
    assertNotNull(router.plainRoute("site.test", "/a.js", true));
  }

  @Test
  void signedResponseHeadersLambdaAndUncachedBehaviorsAreNeverPlain() {
    for (String path : new String[] {"/private/x", "/headers/x", "/fn/x", "/nocache/x"}) {
      assertNull(router.plainRoute("site.test", path, false), path);
      assertNull(router.plainRoute("site.test", path, true), path);
    }
  }

  @Test
  void httpsOnlyAndRedirectBehaviorsArePlainOnlyOverTls() {
    for (String path : new String[] {"/tls/x", "/moved/x"}) {
      assertNull(router.plainRoute("site.test", path, false), path);
      assertNotNull(router.plainRoute("site.test", path, true), path);
    }
    assertNull(router.plainRoute("secure.test", "/x", false));
    assertNotNull(router.plainRoute("secure.test", "/x", true));
  }

  @Test
  void restrictedAndRateLimitedDistributionsAreNeverPlain() {
    for (String host : new String[] {"denied.test", "geo.test", "rated.test"}) {
      assertNull(router.plainRoute(host, "/x", true), host);
    }
  }

  @Test
  void unknownHostHasNoPlainRoute() {
    assertNull(router.plainRoute("other.test", "/x", true));
  }
}
