package io.strata.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.routing.PathPattern;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final String EXAMPLE =
      """
      distributions:
        - id: site
          aliases: [localhost, 127.0.0.1]
          origins:
            - id: web
              url: http://127.0.0.1:8000
              connectTimeoutMs: 2000
              readTimeoutMs: 30000
          defaultBehavior:
            origin: web
            cachePolicy: { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 }
          behaviors:
            - pathPattern: /api/*
              origin: web
              cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }
            - pathPattern: /static/*.css
              origin: web
              cachePolicy: { minTtl: 3600, defaultTtl: 86400, maxTtl: 604800 }
      """;

  /** A minimal valid distribution; tests replace one line to break it. */
  private static final String MINIMAL =
      """
      distributions:
        - id: site
          aliases: [example.com]
          origins:
            - id: web
              url: http://127.0.0.1:8000
              connectTimeoutMs: 2000
          defaultBehavior:
            origin: web
          behaviors:
            - pathPattern: /api/*
              origin: web
              cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }
      """;

  private static ConfigException reject(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "site.yaml"));
  }

  private static String minimalWith(String line, String replacement) {
    assertTrue(MINIMAL.contains(line), line);
    return MINIMAL.replace(line, replacement);
  }

  @Test
  void exampleLoadsWithAllValues() {
    StrataConfig config = ConfigLoader.parse(EXAMPLE, "site.yaml");

    assertEquals(1, config.distributions().size());
    Distribution site = config.distributions().get(0);
    assertEquals("site", site.id());
    assertEquals(List.of("localhost", "127.0.0.1"), site.aliases());

    Origin web = site.origin("web");
    assertEquals(new Origin("web", URI.create("http://127.0.0.1:8000"), 2000, 30000), web);
    assertEquals("127.0.0.1", web.host());
    assertEquals(8000, web.port());

    assertEquals(PathPattern.parse("*"), site.defaultBehavior().pathPattern());
    assertEquals("web", site.defaultBehavior().origin());
    assertEquals(CachePolicy.DEFAULT, site.defaultBehavior().cachePolicy());

    assertEquals(2, site.behaviors().size());
    Behavior api = site.behaviors().get(0);
    assertEquals(PathPattern.parse("/api/*"), api.pathPattern());
    assertEquals(new CachePolicy(0, 0, 0), api.cachePolicy());
    assertTrue(api.cachePolicy().cachingDisabled());
    Behavior css = site.behaviors().get(1);
    assertEquals(PathPattern.parse("/static/*.css"), css.pathPattern());
    assertEquals(new CachePolicy(3600, 86400, 604800), css.cachePolicy());
  }

  @Test
  void exampleLoadsFromFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("site.yaml");
    Files.writeString(file, EXAMPLE);
    assertEquals(ConfigLoader.parse(EXAMPLE, "x"), ConfigLoader.load(file));
  }

  @Test
  void jsonIsAccepted() {
    String json =
        """
        {"distributions": [{"id": "site", "aliases": ["example.com"],
          "origins": [{"id": "web", "url": "https://origin.example.com/base/"}],
          "defaultBehavior": {"pathPattern": "*", "origin": "web"}}]}
        """;
    Distribution site = ConfigLoader.parse(json, "site.json").distributions().get(0);
    assertEquals("/base", site.origin("web").pathPrefix());
    assertEquals(443, site.origin("web").port());
    assertEquals(List.of(), site.behaviors());
  }

  @Test
  void absentOptionalFieldsTakeDefaults() {
    Distribution site = ConfigLoader.parse(MINIMAL, "site.yaml").distributions().get(0);
    Origin web = site.origin("web");
    assertEquals(Origin.DEFAULT_READ_TIMEOUT_MS, web.readTimeoutMs());
    assertEquals(CachePolicy.DEFAULT, site.defaultBehavior().cachePolicy());
  }

  @Test
  void partialCachePolicyIsDefaultedLikeCloudFront() {
    String yaml =
        minimalWith(
            "      origin: web\n    behaviors:",
            "      origin: web\n      cachePolicy: { minTtl: 100000 }\n    behaviors:");
    CachePolicy policy =
        ConfigLoader.parse(yaml, "site.yaml")
            .distributions()
            .get(0)
            .defaultBehavior()
            .cachePolicy();
    assertEquals(new CachePolicy(100_000, 100_000, 31_536_000), policy);
  }

  @Test
  void aliasesAreStoredInCanonicalForm() {
    String yaml =
        minimalWith("aliases: [example.com]", "aliases: [Example.COM, '[::1]', 'FE80::1']");
    assertEquals(
        List.of("example.com", "::1", "fe80::1"),
        ConfigLoader.parse(yaml, "site.yaml").distributions().get(0).aliases());
  }

  @Test
  void unknownFieldIsRejectedWithPositionAndKnownFields() {
    ConfigException e =
        reject(
            minimalWith(
                "      origin: web\n    behaviors:",
                "      origin: web\n      orign: web\n    behaviors:"));
    assertEquals(
        "site.yaml:10:7: unknown field 'orign' in distributions[0].defaultBehavior (known:"
            + " pathPattern, origin, cachePolicy, compress, viewerProtocolPolicy, allowedMethods,"
            + " cachedMethods, trustedKeyGroups, customErrorResponses, responseHeadersPolicy,"
            + " lambdaFunctionAssociations)",
        e.getMessage());
  }

  @Test
  void unknownTopLevelFieldIsRejected() {
    ConfigException e = reject("distributions: []\ndistribution: []\n");
    assertEquals(
        "site.yaml:2:1: unknown field 'distribution' in the top level (known: distributions,"
            + " publicKeys, keyGroups, responseHeadersPolicies)",
        e.getMessage());
  }

  @Test
  void negativeTimeoutIsRejectedWithFieldPath() {
    ConfigException e = reject(minimalWith("connectTimeoutMs: 2000", "connectTimeoutMs: -5"));
    assertEquals(
        "site.yaml:7:9: distributions[0].origins[0].connectTimeoutMs: -5 (expected: 1..60000)",
        e.getMessage());
  }

  @Test
  void timeoutBeyondIntRangeIsRejected() {
    ConfigException e =
        reject(minimalWith("connectTimeoutMs: 2000", "connectTimeoutMs: 99999999999"));
    assertEquals(
        "site.yaml:7:9: distributions[0].origins[0].connectTimeoutMs: 99999999999"
            + " (expected: a 32-bit integer)",
        e.getMessage());
  }

  @Test
  void timeoutOfWrongTypeIsRejected() {
    ConfigException e = reject(minimalWith("connectTimeoutMs: 2000", "connectTimeoutMs: 2s"));
    assertEquals(
        "site.yaml:7:9: distributions[0].origins[0].connectTimeoutMs: '2s' (expected: an integer)",
        e.getMessage());
  }

  @Test
  void negativeTtlIsRejected() {
    ConfigException e =
        reject(
            minimalWith(
                "{ minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
                "{ minTtl: -1, defaultTtl: 0, maxTtl: 0 }"));
    assertEquals(
        "site.yaml:13:24: distributions[0].behaviors[0].cachePolicy.minTtl: -1 (expected: >= 0)",
        e.getMessage());
  }

  @Test
  void minTtlAboveMaxTtlIsRejected() {
    ConfigException e =
        reject(
            minimalWith("{ minTtl: 0, defaultTtl: 0, maxTtl: 0 }", "{ minTtl: 100, maxTtl: 50 }"));
    assertEquals(
        "site.yaml:13:37: distributions[0].behaviors[0].cachePolicy.maxTtl: 50"
            + " (expected: >= minTtl 100)",
        e.getMessage());
  }

  @Test
  void badUrlSchemeIsRejected() {
    ConfigException e =
        reject(minimalWith("url: http://127.0.0.1:8000", "url: ftp://127.0.0.1:8000"));
    assertEquals(
        "site.yaml:6:9: distributions[0].origins[0].url: 'ftp://127.0.0.1:8000'"
            + " (expected: scheme http or https)",
        e.getMessage());
  }

  @Test
  void unparsableUrlIsRejected() {
    ConfigException e =
        reject(minimalWith("url: http://127.0.0.1:8000", "url: 'http://exa mple.com'"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "site.yaml:6:9: distributions[0].origins[0].url: 'http://exa mple.com' (expected:"
                    + " an absolute http or https URL; Illegal character in authority at index 7"),
        e.getMessage());
  }

  @Test
  void unknownOriginReferenceIsRejected() {
    ConfigException e =
        reject(
            minimalWith("      origin: web\n    behaviors:", "      origin: www\n    behaviors:"));
    assertEquals(
        "site.yaml:9:7: distributions[0].defaultBehavior.origin: 'www'"
            + " (expected: one of the distribution's origins: web)",
        e.getMessage());
  }

  @Test
  void unknownOriginReferenceInBehaviorIsRejected() {
    ConfigException e = reject(minimalWith("        origin: web\n", "        origin: api\n"));
    assertEquals(
        "site.yaml:12:9: distributions[0].behaviors[0].origin: 'api'"
            + " (expected: one of the distribution's origins: web)",
        e.getMessage());
  }

  @Test
  void duplicateAliasAcrossDistributionsIsRejected() {
    String second =
        MINIMAL
            .substring("distributions:\n".length())
            .replace("id: site", "id: blog")
            .replace("aliases: [example.com]", "aliases: [www.example.com, EXAMPLE.com]");
    ConfigException e = reject(MINIMAL + second);
    assertEquals(
        "site.yaml:15:32: distributions[1].aliases[1]: 'example.com'"
            + " (expected: unique across distributions; already used by distribution 'site')",
        e.getMessage());
  }

  @Test
  void duplicateAliasWithinDistributionIsRejected() {
    ConfigException e =
        reject(minimalWith("aliases: [example.com]", "aliases: [example.com, Example.com]"));
    assertEquals(
        "site.yaml:3:28: distributions[0].aliases[1]: 'Example.com'"
            + " (expected: unique; already used by aliases[0])",
        e.getMessage());
  }

  @Test
  void duplicateDistributionIdIsRejected() {
    String second =
        MINIMAL
            .substring("distributions:\n".length())
            .replace("aliases: [example.com]", "aliases: [other.example.com]");
    ConfigException e = reject(MINIMAL + second);
    assertEquals(
        "site.yaml:14:5: distributions[1].id: 'site' (expected: unique; already used by"
            + " distributions[0])",
        e.getMessage());
  }

  @Test
  void aliasWithPortOrSchemeIsRejected() {
    ConfigException e =
        reject(minimalWith("aliases: [example.com]", "aliases: ['example.com:8080']"));
    assertEquals(
        "site.yaml:3:15: distributions[0].aliases[0]: 'example.com:8080'"
            + " (expected: a host name or IP address, without scheme or port)",
        e.getMessage());
    e = reject(minimalWith("aliases: [example.com]", "aliases: ['https://example.com']"));
    assertTrue(
        e.getMessage().contains("distributions[0].aliases[0]: 'https://example.com'"),
        e.getMessage());
  }

  @Test
  void duplicateOriginIdIsRejected() {
    ConfigException e =
        reject(
            minimalWith(
                "      - id: web\n",
                "      - id: web\n        url: http://a\n" + "      - id: web\n"));
    assertEquals(
        "site.yaml:7:9: distributions[0].origins[1].id: 'web' (expected: unique within the"
            + " distribution; already used by origins[0])",
        e.getMessage());
  }

  @Test
  void tooLongPathPatternIsRejected() {
    String pattern = "/" + "a".repeat(255);
    ConfigException e = reject(minimalWith("pathPattern: /api/*", "pathPattern: " + pattern));
    assertTrue(
        e.getMessage()
            .startsWith("site.yaml:11:9: distributions[0].behaviors[0].pathPattern: '/aaa"),
        e.getMessage());
    assertTrue(
        e.getMessage().endsWith("has 256 characters (expected: at most 255)"), e.getMessage());
  }

  @Test
  void pathPatternWithIllegalCharacterIsRejected() {
    ConfigException e = reject(minimalWith("pathPattern: /api/*", "pathPattern: '/api/a b'"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "site.yaml:11:9: distributions[0].behaviors[0].pathPattern:"
                    + " '/api/a b' has illegal character U+0020 at index 6 (allowed:"),
        e.getMessage());
  }

  @Test
  void missingPathPatternInBehaviorIsRejected() {
    ConfigException e =
        reject(
            minimalWith("      - pathPattern: /api/*\n        origin: web", "      - origin: web"));
    assertEquals(
        "site.yaml:11:9: missing required field 'pathPattern' in distributions[0].behaviors[0]",
        e.getMessage());
  }

  @Test
  void defaultBehaviorWithOtherPatternIsRejected() {
    ConfigException e =
        reject(
            minimalWith(
                "      origin: web\n    behaviors:",
                "      origin: web\n      pathPattern: /x\n    behaviors:"));
    assertEquals(
        "site.yaml:10:7: distributions[0].defaultBehavior.pathPattern: '/x' (expected: '*')",
        e.getMessage());
  }

  @Test
  void missingDefaultBehaviorIsRejected() {
    ConfigException e = reject(minimalWith("    defaultBehavior:\n      origin: web\n", ""));
    assertEquals(
        "site.yaml:2:5: missing required field 'defaultBehavior' in distributions[0]",
        e.getMessage());
  }

  @Test
  void emptyOriginListIsRejected() {
    ConfigException e =
        reject(
            """
            distributions:
              - id: site
                aliases: [example.com]
                origins: []
                defaultBehavior: { origin: web }
            """);
    assertEquals(
        "site.yaml:4:5: distributions[0].origins: [] (expected: at least one origin)",
        e.getMessage());
  }

  @Test
  void wrongTypeIsRejected() {
    ConfigException e =
        reject(
            minimalWith("    defaultBehavior:\n      origin: web\n", "    defaultBehavior: web\n"));
    assertEquals(
        "site.yaml:8:5: distributions[0].defaultBehavior: 'web' (expected: a mapping with fields"
            + " pathPattern, origin, cachePolicy, compress, viewerProtocolPolicy, allowedMethods,"
            + " cachedMethods, trustedKeyGroups, customErrorResponses, responseHeadersPolicy,"
            + " lambdaFunctionAssociations)",
        e.getMessage());
    e = reject(minimalWith("aliases: [example.com]", "aliases: example.com"));
    assertEquals(
        "site.yaml:3:5: distributions[0].aliases: 'example.com' (expected: a list)",
        e.getMessage());
  }

  @Test
  void duplicateKeyIsRejected() {
    ConfigException e = reject(minimalWith("  - id: site\n", "  - id: site\n    id: blog\n"));
    assertEquals("site.yaml:3:5: duplicate field 'id' in distributions[0]", e.getMessage());
  }

  @Test
  void yamlSyntaxErrorNamesPosition() {
    ConfigException e = reject("distributions:\n  - id: [unclosed\n");
    assertTrue(e.getMessage().startsWith("site.yaml:"), e.getMessage());
    assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
  }

  @Test
  void emptyDocumentIsRejected() {
    ConfigException e = reject("");
    assertEquals(
        "site.yaml:1:1: empty document (expected: a mapping with 'distributions')", e.getMessage());
  }

  @Test
  void yamlAliasIsRejected() {
    ConfigException e =
        reject(minimalWith("  - id: site\n", "  - id: &name site\n    extra: *name\n"));
    assertTrue(e.getMessage().contains("aliases are not supported"), e.getMessage());
  }

  @Test
  void missingFileIsReported(@TempDir Path dir) {
    Path file = dir.resolve("absent.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertTrue(e.getMessage().startsWith(file + ": cannot read:"), e.getMessage());
  }

  @Test
  void compressMustBeABoolean() {
    String yaml =
        String.join(
            "\n",
            "distributions:",
            "  - id: site",
            "    aliases: [a.example]",
            "    origins: [{ id: web, url: 'http://127.0.0.1:8000' }]",
            "    defaultBehavior: { origin: web, compress: yes please }",
            "");
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> ConfigLoader.parse(yaml, "site.yaml"));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage()
            .contains(
                "distributions[0].defaultBehavior.compress: 'yes please' (expected: true or"
                    + " false)"),
        e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(
        ConfigLoader.parse(yaml.replace("yes please", "true"), "site.yaml")
            .distributions()
            .get(0)
            .defaultBehavior()
            .compress());
  }
}
