package io.strata.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.strata.core.config.ConfigLoader;
import io.strata.core.signing.PemKeys;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AliasGuardTest {
  private static final String KEY =
      PemKeys.toPem(PemKeys.generate(PemKeys.KeyType.EC).getPublic())
          .lines()
          .map(line -> "      " + line)
          .collect(Collectors.joining("\n"));

  private static Router router(String behaviors) {
    return new Router(
        ConfigLoader.parse(
            String.join(
                "\n",
                "publicKeys:",
                "  - id: K1",
                "    encodedKey: |",
                KEY,
                "keyGroups: [{ id: g, keys: [K1] }]",
                "distributions:",
                "  - id: site",
                "    aliases: [h.example]",
                "    origins: [{ id: web, url: 'http://127.0.0.1:1' }]",
                "    defaultBehavior: { origin: web }",
                "    behaviors:",
                behaviors,
                ""),
            "test.yaml"));
  }

  private static AliasGuard.Alias check(Router router, String path) {
    return AliasGuard.check(router, "h.example", path, router.route("h.example", path));
  }

  @Test
  void letterCaseAliasOfASignedBehaviorIsRefused() {
    Router router =
        router("      - { pathPattern: '/private/*', origin: web, trustedKeyGroups: [g] }");
    assertEquals(AliasGuard.Alias.LETTER_CASE, check(router, "/PRIVATE/x"));
    assertEquals(AliasGuard.Alias.LETTER_CASE, check(router, "/pRiVaTe/a/b"));
    assertNull(check(router, "/private/x"), "the signed behavior itself");
    assertNull(check(router, "/public/x"));
  }

  @Test
  void unsignedBehaviorListedFirstKeepsCaseVariantsPublicAsCloudFrontOrderSays() {
    Router router =
        router(
            String.join(
                "\n",
                "      - { pathPattern: '/Docs/*', origin: web }",
                "      - { pathPattern: '/docs/*', origin: web, trustedKeyGroups: [g] }"));
    assertNull(check(router, "/DOCS/x"), "first match ignoring case is the public /Docs/*");
  }

  @Test
  void distributionsWithoutSignedBehaviorsNeverRefuseForCase() {
    Router router = router("      - { pathPattern: '/api/*', origin: web }");
    assertNull(check(router, "/API/x"));
  }

  @Test
  void parameterThatMovesThePathToAnotherBehaviorIsRefused() {
    Router router =
        router(
            String.join(
                "\n",
                "      - { pathPattern: '*.css', origin: web }",
                "      - { pathPattern: '/api/*', origin: web }"));
    assertEquals(AliasGuard.Alias.PARAMETER, check(router, "/account;.css"));
    assertEquals(AliasGuard.Alias.PARAMETER, check(router, "/api;x/users"));
    assertNull(check(router, "/site;v=2/a.css"), "same behavior with or without the parameter");
    assertNull(check(router, "/docs;v=2/a.html"));
  }
}
