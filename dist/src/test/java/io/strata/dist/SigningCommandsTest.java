package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata keygen}, {@code sign-url} and {@code sign-cookies} against a running edge. */
class SigningCommandsTest {
  @TempDir Path dir;

  private String run(Tiers tiers, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SigningCommands.run(
        List.of(args),
        Map.of(),
        tiers == null ? () -> 1_800_000_000_000L : tiers.clock,
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void keysFromKeygenSignUrlsAndCookiesTheEdgeAccepts() throws Exception {
    for (String type : List.of("rsa", "ec")) {
      String prefix = dir.resolve(type).toString();
      assertTrue(run(null, "keygen", "--type", type, "--out", prefix).contains("public key:"));
      String publicPem = Files.readString(Path.of(prefix + "-public.pem"));
      Vertx vertx = StrataVertx.create();
      try (ScriptedOrigin origin =
              new ScriptedOrigin(vertx).on("/", req -> req.response().end("secret " + req.path()));
          Tiers tiers = new Tiers(vertx, config(origin.url(), publicPem), 0, null);
          TestClient viewer = new TestClient(vertx, tiers.edge.port())) {
        String base = "http://127.0.0.1:" + tiers.edge.port();
        String keyFile = prefix + "-private.pem";
        String canned =
            run(
                    tiers,
                    "sign-url",
                    "--url",
                    base + "/private/a.txt",
                    "--key-file",
                    keyFile,
                    "--key-pair-id",
                    "KCLI",
                    "--expires-in",
                    "60",
                    "--hash-algorithm",
                    "SHA256")
                .strip();
        assertTrue(canned.contains("Expires="), canned);
        assertEquals(200, viewer.get(canned.substring(base.length())).status());

        String custom =
            run(
                    tiers,
                    "sign-url",
                    "--url",
                    base + "/private/b.txt",
                    "--resource",
                    base + "/private/*",
                    "--ip",
                    "127.0.0.1/32",
                    "--key-file",
                    keyFile,
                    "--key-pair-id",
                    "KCLI",
                    "--expires-in",
                    "60")
                .strip();
        assertTrue(custom.contains("Policy="), custom);
        assertEquals(200, viewer.get(custom.substring(base.length())).status());

        String cookie =
            run(
                    tiers,
                    "sign-cookies",
                    "--url",
                    base + "/private/*",
                    "--key-file",
                    keyFile,
                    "--key-pair-id",
                    "KCLI",
                    "--expires-in",
                    "60",
                    "--format",
                    "cookie")
                .strip();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", cookie);
        assertEquals(200, viewer.request(HttpMethod.GET, "/private/c.txt", headers, null).status());

        tiers.clock.advance(Duration.ofSeconds(61));
        assertEquals(403, viewer.get(canned.substring(base.length())).status());
        assertEquals(403, viewer.request(HttpMethod.GET, "/private/c.txt", headers, null).status());
      } finally {
        Sync.await(vertx.close());
      }
    }
  }

  @Test
  void setCookieOutputHasCloudFrontNamesAndAttributes() throws Exception {
    run(null, "keygen", "--type", "ec", "--out", dir.resolve("k").toString());
    String out =
        run(
            null,
            "sign-cookies",
            "--url",
            "https://cdn.example/private/*",
            "--key-file",
            dir.resolve("k-private.pem").toString(),
            "--key-pair-id",
            "K1",
            "--expires",
            "1900000000",
            "--domain",
            "cdn.example");
    List<String> names = new ArrayList<>();
    for (String line : out.strip().split("\n")) {
      assertTrue(line.endsWith("; Path=/; Domain=cdn.example; Secure; HttpOnly"), line);
      names.add(line.substring("Set-Cookie: ".length(), line.indexOf('=')));
    }
    assertEquals(
        List.of("CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id"), names);
  }

  @Test
  void mistakesAreOneLineUsageErrors() throws Exception {
    run(null, "keygen", "--out", dir.resolve("k").toString());
    String key = dir.resolve("k-private.pem").toString();
    Flags.UsageException noExpiry =
        assertThrows(
            Flags.UsageException.class,
            () ->
                run(
                    null,
                    "sign-url",
                    "--url",
                    "https://a/x",
                    "--key-file",
                    key,
                    "--key-pair-id",
                    "K"));
    assertTrue(noExpiry.getMessage().contains("--expires"));
    Flags.UsageException badKey =
        assertThrows(
            Flags.UsageException.class,
            () ->
                run(
                    null,
                    "sign-url",
                    "--url",
                    "https://a/x",
                    "--key-file",
                    dir.resolve("k-public.pem").toString(),
                    "--key-pair-id",
                    "K",
                    "--expires-in",
                    "5"));
    assertTrue(badKey.getMessage().contains("not a PEM private key"), badKey.getMessage());
    assertThrows(Flags.UsageException.class, () -> run(null, "keygen", "--type", "dsa"));
  }

  static String config(String originUrl, String publicPem) {
    return String.join(
        "\n",
        "publicKeys:",
        "  - id: KCLI",
        "    encodedKey: |",
        PrivateContentTest.indent(publicPem, 6),
        "keyGroups: [{ id: ops, keys: [KCLI] }]",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1]",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior: { origin: web }",
        "    behaviors:",
        "      - { pathPattern: /private/*, origin: web, trustedKeyGroups: [ops] }",
        "");
  }
}
