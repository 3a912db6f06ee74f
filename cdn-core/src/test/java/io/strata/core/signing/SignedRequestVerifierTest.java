package io.strata.core.signing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedRequestVerifierTest {
  private static final KeyPair RSA = PemKeys.generate(PemKeys.KeyType.RSA);
  private static final KeyPair EC = PemKeys.generate(PemKeys.KeyType.EC);
  private static final long NOW = 1_800_000_000L;
  private static final byte[] CLIENT = {(byte) 192, 0, 2, 10};

  private final SignedRequestVerifier verifier =
      new SignedRequestVerifier(Map.of("KRSA", RSA.getPublic(), "KEC", EC.getPublic()));

  private static SignedRequest request(String url, Map<String, String> cookies, byte[] client) {
    URI uri = URI.create(url);
    return new SignedRequest(
        uri.getScheme(),
        uri.getRawAuthority(),
        uri.getRawPath(),
        uri.getRawQuery(),
        cookies::get,
        client);
  }

  private SigningError check(String url) {
    return verifier.verify(request(url, Map.of(), CLIENT), NOW);
  }

  private static String canned(String url, long expires, String keyId, KeyPair keys) {
    return PolicySigner.signUrl(url, null, expires, keyId, keys.getPrivate(), HashAlgorithm.SHA1);
  }

  private static String custom(String url, String policy, HashAlgorithm algorithm) {
    return PolicySigner.signUrl(url, policy, 0, "KRSA", RSA.getPrivate(), algorithm);
  }

  @Test
  void cannedPolicyIsTheExactCloudFrontString() {
    assertEquals(
        "{\"Statement\":[{\"Resource\":\"https://d.example/a.jpg?x=1\",\"Condition\":"
            + "{\"DateLessThan\":{\"AWS:EpochTime\":1357034400}}}]}",
        Policies.canned("https://d.example/a.jpg?x=1", 1357034400L));
  }

  @Test
  void cloudFrontBase64SubstitutesUrlUnsafeCharacters() {
    byte[] bytes = {(byte) 0xfb, (byte) 0xff, (byte) 0xfe, 0x3e};
    String encoded = CloudFrontBase64.encode(bytes);
    assertEquals("-~~-Pg__", encoded);
    assertEquals(
        List.of((byte) 0xfb, (byte) 0xff),
        List.of(CloudFrontBase64.decode(encoded)[0], CloudFrontBase64.decode(encoded)[1]));
  }

  @Test
  void validCannedSignedUrlIsAccepted() {
    assertNull(check(canned("https://d.example/private/a.txt", NOW + 60, "KRSA", RSA)));
  }

  @Test
  void cannedUrlKeepsTheViewersOwnQueryInTheResource() {
    assertNull(check(canned("https://d.example/private/a.txt?v=2&w=x%20y", NOW + 60, "KRSA", RSA)));
  }

  @Test
  void queryParameterAddedAfterSigningIsRejected() {
    String url = canned("https://d.example/private/a.txt", NOW + 60, "KRSA", RSA);
    assertEquals(SigningError.BAD_SIGNATURE, check(url + "&extra=1"));
  }

  @Test
  void expiredSignedUrlIsRejected() {
    String url = canned("https://d.example/private/a.txt", NOW, "KRSA", RSA);
    assertEquals(SigningError.EXPIRED, check(url));
    assertNull(verifier.verify(request(url, Map.of(), CLIENT), NOW - 1));
  }

  @Test
  void changedExpiryPathHostOrSchemeIsRejected() {
    String url = canned("https://d.example/private/a.txt", NOW + 60, "KRSA", RSA);
    assertEquals(
        SigningError.BAD_SIGNATURE,
        check(url.replace("Expires=" + (NOW + 60), "Expires=" + (NOW + 61))));
    assertEquals(SigningError.BAD_SIGNATURE, check(url.replace("/a.txt", "/b.txt")));
    assertEquals(SigningError.BAD_SIGNATURE, check(url.replace("d.example", "e.example")));
    assertEquals(SigningError.BAD_SIGNATURE, check(url.replace("https:", "http:")));
  }

  @Test
  void aRememberedSignatureStillHasItsConditionsCheckedAndCoversNothingElse() {
    String url = canned("https://d.example/private/a.txt", NOW + 60, "KRSA", RSA);
    assertNull(check(url));
    assertNull(check(url));
    assertEquals(SigningError.EXPIRED, verifier.verify(request(url, Map.of(), CLIENT), NOW + 60));
    assertEquals(
        SigningError.BAD_SIGNATURE, check(url.replace("Key-Pair-Id=KRSA", "Key-Pair-Id=KEC")));
    assertEquals(SigningError.BAD_SIGNATURE, check(url.replace("/a.txt", "/b.txt")));
    assertEquals(SigningError.BAD_SIGNATURE, check(url + "&Hash-Algorithm=SHA256"));
  }

  @Test
  void missingKeyPairIdIsMissingKey() {
    assertEquals(SigningError.MISSING_KEY, check("https://d.example/private/a.txt"));
    assertEquals(
        SigningError.MISSING_KEY, check("https://d.example/private/a.txt?Expires=1&Signature=abc"));
  }

  @Test
  void unknownKeyIdIsInvalidKey() {
    assertEquals(
        SigningError.UNKNOWN_KEY,
        check(canned("https://d.example/private/a.txt", NOW + 60, "KOTHER", RSA)));
  }

  @Test
  void signatureByAnotherKeyIsRejected() {
    assertEquals(
        SigningError.BAD_SIGNATURE,
        check(canned("https://d.example/private/a.txt", NOW + 60, "KRSA", EC)));
  }

  @Test
  void ecdsaP256KeysAreAccepted() {
    assertNull(check(canned("https://d.example/private/a.txt", NOW + 60, "KEC", EC)));
    String sha256 =
        PolicySigner.signUrl(
            "https://d.example/x", null, NOW + 60, "KEC", EC.getPrivate(), HashAlgorithm.SHA256);
    assertNull(check(sha256));
  }

  @Test
  void sha256HashAlgorithmIsHonouredAndBoundToTheSignature() {
    String url =
        PolicySigner.signUrl(
            "https://d.example/x", null, NOW + 60, "KRSA", RSA.getPrivate(), HashAlgorithm.SHA256);
    assertTrue(url.endsWith("&Hash-Algorithm=SHA256"));
    assertNull(check(url));
    assertEquals(SigningError.BAD_SIGNATURE, check(url.replace("&Hash-Algorithm=SHA256", "")));
    assertEquals(
        SigningError.BAD_SIGNATURE,
        check(url.replace("Hash-Algorithm=SHA256", "Hash-Algorithm=MD5")));
  }

  @Test
  void keyRotationAcceptsEveryKeyOfTheGroupAndNotARemovedOne() {
    KeyPair next = PemKeys.generate(PemKeys.KeyType.RSA);
    Map<String, PublicKey> both = new HashMap<>(Map.of("KOLD", RSA.getPublic()));
    both.put("KNEW", next.getPublic());
    SignedRequestVerifier during = new SignedRequestVerifier(both);
    SignedRequestVerifier after = new SignedRequestVerifier(Map.of("KNEW", next.getPublic()));
    String old = canned("https://d.example/x", NOW + 60, "KOLD", RSA);
    String fresh = canned("https://d.example/x", NOW + 60, "KNEW", next);
    assertNull(during.verify(request(old, Map.of(), CLIENT), NOW));
    assertNull(during.verify(request(fresh, Map.of(), CLIENT), NOW));
    assertEquals(SigningError.UNKNOWN_KEY, after.verify(request(old, Map.of(), CLIENT), NOW));
    assertNull(after.verify(request(fresh, Map.of(), CLIENT), NOW));
  }

  @Test
  void customPolicyWithWildcardCoversTheDirectory() {
    String policy = Policies.custom("https://d.example/private/*", NOW + 60, null, null);
    String url = custom("https://d.example/private/a/b.txt?q=1", policy, HashAlgorithm.SHA1);
    assertNull(check(url));
    String signature = url.substring(url.indexOf("&Policy"));
    assertNull(check("https://d.example/private/other.txt?" + signature.substring(1)));
    assertEquals(
        SigningError.WRONG_RESOURCE, check("https://d.example/public/x?" + signature.substring(1)));
  }

  @Test
  void customPolicyIsVerifiedOverTheBytesAsReceived() {
    // The AWS SDK v2 writes a space after "Statement":, and the 2023 guide uses an object.
    String spaced =
        "{\"Statement\": [{\"Resource\":\"https://d.example/x\",\"Condition\":"
            + "{\"DateLessThan\":{\"AWS:EpochTime\":"
            + (NOW + 60)
            + "}}}]}";
    assertNull(check(custom("https://d.example/x", spaced, HashAlgorithm.SHA1)));
    String object =
        "{\"Statement\":{\"Resource\":\"https://d.example/x\",\"Condition\":"
            + "{\"DateLessThan\":{\"AWS:EpochTime\":"
            + (NOW + 60)
            + "}}}}";
    assertNull(check(custom("https://d.example/x", object, HashAlgorithm.SHA1)));
  }

  @Test
  void customPolicyChangedByOneByteIsRejected() {
    String policy = Policies.custom("https://d.example/x", NOW + 60, null, null);
    String url = custom("https://d.example/x", policy, HashAlgorithm.SHA1);
    String other = Policies.custom("https://d.example/x", NOW + 61, null, null);
    String forged =
        url.replace(
            CloudFrontBase64.encode(policy.getBytes(UTF_8)),
            CloudFrontBase64.encode(other.getBytes(UTF_8)));
    assertEquals(SigningError.BAD_SIGNATURE, check(forged));
  }

  @Test
  void customPolicyDateGreaterThanAndIpAreEnforced() {
    String policy = Policies.custom("https://d.example/x", NOW + 60, NOW + 10, "192.0.2.0/24");
    String url = custom("https://d.example/x", policy, HashAlgorithm.SHA256);
    assertEquals(SigningError.NOT_YET_VALID, check(url));
    assertNull(verifier.verify(request(url, Map.of(), CLIENT), NOW + 11));
    byte[] outside = {(byte) 198, 51, 100, 1};
    assertEquals(SigningError.WRONG_IP, verifier.verify(request(url, Map.of(), outside), NOW + 11));
  }

  @Test
  void customPolicyWithoutDateLessThanOrWithUnknownConditionIsMalformed() {
    String noExpiry = "{\"Statement\":[{\"Resource\":\"*\",\"Condition\":{}}]}";
    assertEquals(
        SigningError.MALFORMED_POLICY,
        check(custom("https://d.example/x", noExpiry, HashAlgorithm.SHA1)));
    String unknown =
        "{\"Statement\":[{\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
            + (NOW + 60)
            + "},\"StringLike\":{}}}]}";
    assertEquals(
        SigningError.MALFORMED_POLICY,
        check(custom("https://d.example/x", unknown, HashAlgorithm.SHA1)));
  }

  @Test
  void signedCookiesAreAcceptedWhenTheUrlCarriesNoSigningParameter() {
    Map<String, String> cookies = cookies("https://d.example/private/*", NOW + 60);
    assertNull(verifier.verify(request("https://d.example/private/a", cookies, CLIENT), NOW));
    assertEquals(
        SigningError.EXPIRED,
        verifier.verify(request("https://d.example/private/a", cookies, CLIENT), NOW + 60));
    assertEquals(
        SigningError.WRONG_RESOURCE,
        verifier.verify(request("https://d.example/public/a", cookies, CLIENT), NOW));
  }

  @Test
  void aUrlWithAnySigningParameterIgnoresValidCookies() {
    Map<String, String> cookies = cookies("https://d.example/private/*", NOW + 60);
    assertEquals(
        SigningError.MISSING_KEY,
        verifier.verify(request("https://d.example/private/a?Expires=5", cookies, CLIENT), NOW));
  }

  private static Map<String, String> cookies(String resource, long expires) {
    Map<String, String> cookies = new HashMap<>();
    for (String cookie :
        PolicySigner.signCookies(
            resource,
            Policies.custom(resource, expires, null, null),
            0,
            "KRSA",
            RSA.getPrivate(),
            HashAlgorithm.SHA1)) {
      int eq = cookie.indexOf('=');
      cookies.put(cookie.substring(0, eq), cookie.substring(eq + 1));
    }
    return cookies;
  }
}
