package io.strata.core.signing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs and checks policy bytes: RSA PKCS#1 v1.5 or DER ECDSA over SHA-1 or SHA-256, as CloudFront
 * does, and builds signed URLs and cookies from them. Stateless and thread-safe.
 */
public final class PolicySigner {
  /** The query parameters and cookie names of CloudFront's signed URLs and cookies. */
  public static final String EXPIRES = "Expires";

  public static final String POLICY = "Policy";
  public static final String SIGNATURE = "Signature";
  public static final String KEY_PAIR_ID = "Key-Pair-Id";
  public static final String HASH_ALGORITHM = "Hash-Algorithm";
  public static final String COOKIE_PREFIX = "CloudFront-";

  private PolicySigner() {}

  public static byte[] sign(PrivateKey key, HashAlgorithm algorithm, byte[] policy) {
    try {
      Signature signature = Signature.getInstance(algorithm.jcaName(key));
      signature.initSign(key);
      signature.update(policy);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    }
  }

  /** False for a wrong or malformed signature; never throws for bad input. */
  public static boolean verify(
      PublicKey key, HashAlgorithm algorithm, byte[] policy, byte[] signatureBytes) {
    try {
      Signature signature = Signature.getInstance(algorithm.jcaName(key));
      signature.initVerify(key);
      signature.update(policy);
      return signature.verify(signatureBytes);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A signed URL: {@code url} with the signing parameters appended after its own query.
   *
   * @param url the resource URL, with the viewer-visible query string if any
   * @param customPolicy the custom policy JSON, or {@code null} for a canned policy
   * @param expiresEpochSeconds the expiry of a canned policy (ignored for a custom one)
   */
  public static String signUrl(
      String url,
      String customPolicy,
      long expiresEpochSeconds,
      String keyPairId,
      PrivateKey key,
      HashAlgorithm algorithm) {
    List<String> pairs = new ArrayList<>();
    for (String[] pair :
        parameters(url, customPolicy, expiresEpochSeconds, keyPairId, key, algorithm)) {
      pairs.add(pair[0] + "=" + pair[1]);
    }
    String out = url + (url.indexOf('?') >= 0 ? '&' : '?') + String.join("&", pairs);
    return out;
  }

  /** The signed cookies, as {@code name=value} pairs (without attributes) in CloudFront's order. */
  public static List<String> signCookies(
      String resource,
      String customPolicy,
      long expiresEpochSeconds,
      String keyPairId,
      PrivateKey key,
      HashAlgorithm algorithm) {
    List<String> cookies = new ArrayList<>();
    for (String[] pair :
        parameters(resource, customPolicy, expiresEpochSeconds, keyPairId, key, algorithm)) {
      cookies.add(COOKIE_PREFIX + pair[0] + "=" + pair[1]);
    }
    return cookies;
  }

  private static List<String[]> parameters(
      String resource,
      String customPolicy,
      long expiresEpochSeconds,
      String keyPairId,
      PrivateKey key,
      HashAlgorithm algorithm) {
    String policy =
        customPolicy != null ? customPolicy : Policies.canned(resource, expiresEpochSeconds);
    String signature = CloudFrontBase64.encode(sign(key, algorithm, policy.getBytes(UTF_8)));
    List<String[]> pairs = new ArrayList<>();
    if (customPolicy != null) {
      pairs.add(new String[] {POLICY, CloudFrontBase64.encode(customPolicy.getBytes(UTF_8))});
    } else {
      pairs.add(new String[] {EXPIRES, Long.toString(expiresEpochSeconds)});
    }
    pairs.add(new String[] {SIGNATURE, signature});
    pairs.add(new String[] {KEY_PAIR_ID, keyPairId});
    if (algorithm != HashAlgorithm.SHA1) {
      pairs.add(new String[] {HASH_ALGORITHM, algorithm.wireName()});
    }
    return pairs;
  }
}
