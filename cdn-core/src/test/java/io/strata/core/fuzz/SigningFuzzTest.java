package io.strata.core.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.signing.CloudFrontBase64;
import io.strata.core.signing.PemKeys;
import io.strata.core.signing.Policy;
import io.strata.core.signing.ResourcePattern;
import io.strata.core.signing.SignedRequest;
import io.strata.core.signing.SignedRequestVerifier;
import io.strata.core.signing.SigningError;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated policies, Base64 and signed-request parameters against the signed-content parsers:
 * malformed input is reported as {@link IllegalArgumentException} or a {@link SigningError}, never
 * another exception, and never accepted.
 */
class SigningFuzzTest {
  private static final KeyPair KEYS = PemKeys.generate(PemKeys.KeyType.EC);
  private static final SignedRequestVerifier VERIFIER =
      new SignedRequestVerifier(Map.of("KFUZZ", KEYS.getPublic()));

  @Provide
  Arbitrary<String> policies() {
    return Arbitraries.oneOf(
        Fuzz.anyText(120),
        Fuzz.joined(
            24,
            List.of(
                "{",
                "}",
                "[",
                "]",
                ":",
                ",",
                "\"Statement\"",
                "\"Resource\"",
                "\"Condition\"",
                "\"DateLessThan\"",
                "\"DateGreaterThan\"",
                "\"IpAddress\"",
                "\"AWS:EpochTime\"",
                "\"AWS:SourceIp\"",
                "\"10.0.0.0/8\"",
                "\"::1/129\"",
                "\"1.2.3.4/33\"",
                "1",
                "-1",
                "1e400",
                "99999999999999999999",
                "null",
                "true",
                "\"*\"",
                "\"http*://*\"",
                " ",
                "\"\\u0000\"",
                "\"StringLike\"")));
  }

  @Property
  void policyParserOnlyEverSaysMalformed(@ForAll("policies") String json) {
    try {
      Policy policy = Fuzz.noHang(() -> Policy.parse(json.getBytes(UTF_8)));
      assertNotNull(policy);
    } catch (IllegalArgumentException expected) {
      // malformed: refused with MalformedPolicy
    }
  }

  @Property
  void base64RoundTripsAndRejectsOnlyWithIllegalArgument(
      @ForAll byte[] bytes, @ForAll("base64ish") String text) {
    assertArrayEquals(bytes, CloudFrontBase64.decode(CloudFrontBase64.encode(bytes)));
    try {
      CloudFrontBase64.decode(text);
    } catch (IllegalArgumentException expected) {
      // not CloudFront Base64
    }
  }

  @Provide
  Arbitrary<String> base64ish() {
    return Arbitraries.strings().withChars("AZaz09-_~+/=%. \n").ofMaxLength(40);
  }

  @Provide
  Arbitrary<String> globs() {
    return Arbitraries.strings().withChars("ahtp:/*?.-_s").ofMaxLength(30);
  }

  @Property
  void resourcePatternsNeverFail(
      @ForAll("globs") String pattern, @ForAll("globs") String path, @ForAll("globs") String q) {
    Fuzz.noHang(() -> ResourcePattern.matches(pattern, "https", "d.example", "/" + path, q));
  }

  @Provide
  Arbitrary<String> queries() {
    return Fuzz.joined(
        12,
        List.of(
            "Expires=",
            "Policy=",
            "Signature=",
            "Key-Pair-Id=",
            "Hash-Algorithm=",
            "KFUZZ",
            "KOTHER",
            "SHA256",
            "SHA1",
            "MD5",
            "&",
            "=",
            "1800000000",
            "99999999999",
            "-1",
            "eyJ9",
            "AAAA",
            "~~",
            "%7E",
            "%",
            "x=1",
            "&&",
            "Expires",
            "e30_"));
  }

  @Property
  void verifierRefusesEveryUnsignedRequestWithAKnownError(
      @ForAll("queries") String query, @ForAll("queries") String cookie) {
    SignedRequest request =
        new SignedRequest(
            "https",
            "d.example",
            "/private/a.txt",
            query,
            name -> name.startsWith("CloudFront-") ? cookie : null,
            new byte[] {10, 0, 0, 1});
    SigningError error = Fuzz.noHang(() -> VERIFIER.verify(request, 1_800_000_000L));
    assertNotNull(error, "accepted without a signature: " + query + " / " + cookie);
    assertTrue(error.xmlBody().startsWith("<?xml"));
  }
}
