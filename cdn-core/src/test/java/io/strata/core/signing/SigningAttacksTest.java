package io.strata.core.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Attacks on signed URLs that hold valid pieces: swaps, replays, stretching, oversized values. */
class SigningAttacksTest {
  private static final KeyPair FIRST = PemKeys.generate(PemKeys.KeyType.EC);
  private static final KeyPair SECOND = PemKeys.generate(PemKeys.KeyType.RSA);
  private static final KeyPair OTHER_GROUP = PemKeys.generate(PemKeys.KeyType.EC);
  private static final long NOW = 1_800_000_000L;
  private static final byte[] CLIENT = {(byte) 192, 0, 2, 10};

  /** One behavior's trusted keys: one key group of two keys. */
  private final SignedRequestVerifier verifier =
      new SignedRequestVerifier(Map.of("KFIRST", FIRST.getPublic(), "KSECOND", SECOND.getPublic()));

  private static SignedRequest request(String url) {
    URI uri = URI.create(url);
    return new SignedRequest(
        uri.getScheme(),
        uri.getRawAuthority(),
        uri.getRawPath(),
        uri.getRawQuery(),
        name -> null,
        CLIENT);
  }

  private SigningError check(String url) {
    return verifier.verify(request(url), NOW);
  }

  private static String canned(String url, long expires, String keyId, KeyPair keys) {
    return PolicySigner.signUrl(url, null, expires, keyId, keys.getPrivate(), HashAlgorithm.SHA256);
  }

  private static String custom(String url, String policy, String keyId, KeyPair keys) {
    return PolicySigner.signUrl(url, policy, 0, keyId, keys.getPrivate(), HashAlgorithm.SHA256);
  }

  private static String param(String url, String name) {
    for (String part : URI.create(url).getRawQuery().split("&")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    throw new AssertionError(name + " not in " + url);
  }

  @Test
  void signatureOfOneKeyPresentedUnderTheOtherKeyIdOfTheGroupIsDenied() {
    String url = canned("https://d.example/private/a.txt", NOW + 60, "KFIRST", FIRST);
    assertNull(check(url));
    assertEquals(
        SigningError.BAD_SIGNATURE,
        check(url.replace("Key-Pair-Id=KFIRST", "Key-Pair-Id=KSECOND")));
  }

  @Test
  void policyAndSignatureOfTwoValidUrlsCannotBeMixed() {
    String a =
        custom(
            "https://d.example/private/a.txt",
            Policies.custom("https://d.example/private/a.txt", NOW + 60, null, null),
            "KFIRST",
            FIRST);
    String b =
        custom(
            "https://d.example/private/b.txt",
            Policies.custom("https://d.example/private/*", NOW + 3600, null, null),
            "KSECOND",
            SECOND);
    assertNull(check(a));
    assertNull(check(b.replace("/b.txt", "/a.txt")));
    // B's broader policy with A's signature (and either key id), and the other way round.
    for (String keyId : new String[] {"KFIRST", "KSECOND"}) {
      String swapped =
          "https://d.example/private/a.txt?Policy="
              + param(b, "Policy")
              + "&Signature="
              + param(a, "Signature")
              + "&Key-Pair-Id="
              + keyId
              + "&Hash-Algorithm=SHA256";
      assertEquals(SigningError.BAD_SIGNATURE, check(swapped), keyId);
      String reversed =
          "https://d.example/private/a.txt?Policy="
              + param(a, "Policy")
              + "&Signature="
              + param(b, "Signature")
              + "&Key-Pair-Id="
              + keyId
              + "&Hash-Algorithm=SHA256";
      assertEquals(SigningError.BAD_SIGNATURE, check(reversed), keyId);
    }
  }

  @Test
  void cannedExpiryCannotBeTakenFromAnotherValidUrl() {
    String shortLived = canned("https://d.example/private/a.txt", NOW + 10, "KFIRST", FIRST);
    String longLived = canned("https://d.example/private/b.txt", NOW + 99_999, "KFIRST", FIRST);
    String stretched =
        shortLived.replace("Expires=" + (NOW + 10), "Expires=" + param(longLived, "Expires"));
    assertEquals(SigningError.BAD_SIGNATURE, check(stretched));
  }

  @Test
  void expiredUrlReplayedAfterBeingAcceptedIsDeniedAtEveryLaterInstant() {
    String url = canned("https://d.example/private/a.txt", NOW + 60, "KFIRST", FIRST);
    assertNull(verifier.verify(request(url), NOW + 59));
    for (long later : new long[] {NOW + 60, NOW + 61, NOW + 86_400, Long.MAX_VALUE / 2}) {
      assertEquals(SigningError.EXPIRED, verifier.verify(request(url), later));
    }
  }

  @Test
  void keyOfAnotherKeyGroupIsAsUnknownAsAKeyThatDoesNotExist() {
    String otherGroup = canned("https://d.example/private/a.txt", NOW + 60, "KOTHER", OTHER_GROUP);
    String madeUp = otherGroup.replace("Key-Pair-Id=KOTHER", "Key-Pair-Id=KNOSUCHKEY00");
    assertEquals(SigningError.UNKNOWN_KEY, check(otherGroup));
    assertEquals(SigningError.UNKNOWN_KEY, check(madeUp));
  }

  @Test
  void everyAccessDeniedReasonLooksTheSameToTheViewer() {
    String body = SigningError.BAD_SIGNATURE.xmlBody();
    for (SigningError error :
        new SigningError[] {
          SigningError.EXPIRED,
          SigningError.NOT_YET_VALID,
          SigningError.WRONG_RESOURCE,
          SigningError.WRONG_IP
        }) {
      assertEquals(body, error.xmlBody(), error.name());
    }
  }

  @Test
  void oversizedPolicyIsMalformedWithoutBeingDecoded() {
    String url = canned("https://d.example/private/a.txt", NOW + 60, "KFIRST", FIRST);
    String huge = "A".repeat(SignedRequestVerifier.MAX_POLICY_CHARS + 1);
    String withPolicy =
        "https://d.example/private/a.txt?Policy="
            + huge
            + "&Signature="
            + param(url, "Signature")
            + "&Key-Pair-Id=KFIRST";
    assertEquals(SigningError.MALFORMED_POLICY, check(withPolicy));
  }

  @Test
  void oversizedSignatureIsDenied() {
    String url = canned("https://d.example/private/a.txt", NOW + 60, "KFIRST", FIRST);
    String huge = "A".repeat(SignedRequestVerifier.MAX_SIGNATURE_CHARS + 1);
    assertEquals(
        SigningError.BAD_SIGNATURE,
        check(url.replace("Signature=" + param(url, "Signature"), "Signature=" + huge)));
  }

  @Test
  void wildcardResourceCannotBeStretchedWithDotSegments() {
    String policy = Policies.custom("https://d.example/private/shared-*", NOW + 60, null, null);
    String raw =
        custom("https://d.example/private/shared-x/../secret.txt", policy, "KFIRST", FIRST);
    // As CloudFront compares it, the raw path matches the wildcard; what would be forwarded does
    // not.
    assertNull(check(raw));
    assertEquals(
        SigningError.WRONG_RESOURCE, verifier.verify(request(raw), NOW, "/private/secret.txt"));
    assertNull(verifier.verify(request(raw), NOW, "/private/shared-x/secret.txt"));
  }

  @Test
  void aRememberedValidSignatureDoesNotAcceptANeighbouringOne() {
    String url = canned("https://d.example/private/a.txt", NOW + 60, "KFIRST", FIRST);
    assertNull(check(url));
    String signature = param(url, "Signature");
    char last = signature.charAt(signature.length() - 1);
    String neighbour = signature.substring(0, signature.length() - 1) + (last == 'A' ? 'B' : 'A');
    SigningError error = check(url.replace(signature, neighbour));
    assertTrue(
        error == SigningError.BAD_SIGNATURE, "a one-character change was accepted: " + error);
  }
}
