package io.strata.core.signing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a request against a behavior's trusted keys, CloudFront's way. A URL that carries any
 * signing parameter is judged as a signed URL and cookies are then ignored; otherwise the {@code
 * CloudFront-*} cookies are judged. A canned policy is rebuilt from the request byte for byte; a
 * custom policy is verified over its decoded bytes exactly as received and only then parsed. The
 * signature is checked before any condition, so an unsigned policy never influences the answer.
 *
 * <p>A signature check costs 0.1–2 ms of CPU (RSA and ECDSA on a small server), and viewers repeat
 * the same signed URL or cookie for every range request, segment or page asset. So each verifier
 * remembers, in a bounded cache, the (key, algorithm, policy, signature) combinations it has
 * already found valid; the conditions (expiry, start time, IP, resource) are still checked on every
 * request. Only successes are remembered, keyed by every input of the check, so the cache can never
 * accept what the check would refuse. A configuration swap builds new verifiers, so a removed key's
 * entries go with it.
 *
 * <p>Thread-safe; the time is passed to each call.
 */
public final class SignedRequestVerifier {
  /** Query parameters that are never part of the signed resource. */
  public static final Set<String> SIGNING_PARAMETERS =
      Set.of(
          PolicySigner.EXPIRES,
          PolicySigner.POLICY,
          PolicySigner.SIGNATURE,
          PolicySigner.KEY_PAIR_ID,
          PolicySigner.HASH_ALGORITHM);

  /**
   * The longest Base64 policy accepted: CloudFront's whole URL is at most 8,192 bytes, so a longer
   * policy cannot come from a working signer; refusing it before decoding bounds the work a viewer
   * can cause.
   */
  public static final int MAX_POLICY_CHARS = 8192;

  /** The longest Base64 signature accepted: an RSA-4096 signature is 684 characters. */
  public static final int MAX_SIGNATURE_CHARS = 1024;

  private final Map<String, PublicKey> trustedKeys;
  private final Cache<String, Boolean> verified = Caffeine.newBuilder().maximumSize(10_000).build();

  /**
   * @param trustedKeys the public keys of the behavior's trusted key groups, by key id
   */
  public SignedRequestVerifier(Map<String, PublicKey> trustedKeys) {
    this.trustedKeys = Map.copyOf(trustedKeys);
  }

  /**
   * @return {@code null} if the request may proceed, or why it may not
   */
  public SigningError verify(SignedRequest request, long nowEpochSeconds) {
    return verify(request, nowEpochSeconds, request.path());
  }

  /**
   * Like {@link #verify(SignedRequest, long)}, for a request whose raw path is forwarded as {@code
   * canonicalPath}: a custom policy's {@code Resource} must match both.
   *
   * @return {@code null} if the request may proceed, or why it may not
   */
  public SigningError verify(SignedRequest request, long nowEpochSeconds, String canonicalPath) {
    List<String> ownQuery = new ArrayList<>();
    Map<String, String> fromUrl = splitQuery(request.rawQuery(), ownQuery);
    if (fromUrl == null) {
      return SigningError.MALFORMED_POLICY;
    }
    boolean signedUrl = !fromUrl.isEmpty();
    String keyId;
    String signature;
    String expires;
    String policy;
    String hash;
    if (signedUrl) {
      keyId = fromUrl.get(PolicySigner.KEY_PAIR_ID);
      signature = fromUrl.get(PolicySigner.SIGNATURE);
      expires = fromUrl.get(PolicySigner.EXPIRES);
      policy = fromUrl.get(PolicySigner.POLICY);
      hash = fromUrl.get(PolicySigner.HASH_ALGORITHM);
    } else {
      keyId = cookie(request, PolicySigner.KEY_PAIR_ID);
      signature = cookie(request, PolicySigner.SIGNATURE);
      expires = cookie(request, PolicySigner.EXPIRES);
      policy = cookie(request, PolicySigner.POLICY);
      hash = cookie(request, PolicySigner.HASH_ALGORITHM);
    }
    if (keyId == null || keyId.isEmpty()) {
      return SigningError.MISSING_KEY;
    }
    PublicKey key = trustedKeys.get(keyId);
    if (key == null) {
      return SigningError.UNKNOWN_KEY;
    }
    HashAlgorithm algorithm = HashAlgorithm.fromWire(hash);
    if (algorithm == null
        || signature == null
        || signature.isEmpty()
        || signature.length() > MAX_SIGNATURE_CHARS) {
      return SigningError.BAD_SIGNATURE;
    }
    if (policy != null && policy.length() > MAX_POLICY_CHARS) {
      return SigningError.MALFORMED_POLICY;
    }
    byte[] signatureBytes;
    try {
      signatureBytes = CloudFrontBase64.decode(signature);
    } catch (IllegalArgumentException e) {
      return SigningError.BAD_SIGNATURE;
    }
    if (policy != null) {
      return verifyCustom(
          request,
          ownQuery,
          policy,
          keyId,
          key,
          algorithm,
          signature,
          signatureBytes,
          nowEpochSeconds,
          canonicalPath);
    }
    if (expires == null || !expires.matches("[0-9]{1,10}")) {
      return SigningError.MALFORMED_POLICY;
    }
    long expiresAt = Long.parseLong(expires);
    String resource = resourceUrl(request, ownQuery);
    String canned = Policies.canned(resource, expiresAt);
    if (!signatureValid(
        keyId, key, algorithm, canned, signature, canned.getBytes(UTF_8), signatureBytes)) {
      return SigningError.BAD_SIGNATURE;
    }
    return nowEpochSeconds < expiresAt ? null : SigningError.EXPIRED;
  }

  private SigningError verifyCustom(
      SignedRequest request,
      List<String> ownQuery,
      String encodedPolicy,
      String keyId,
      PublicKey key,
      HashAlgorithm algorithm,
      String signature,
      byte[] signatureBytes,
      long now,
      String canonicalPath) {
    byte[] policyBytes;
    try {
      policyBytes = CloudFrontBase64.decode(encodedPolicy);
    } catch (IllegalArgumentException e) {
      return SigningError.MALFORMED_POLICY;
    }
    if (!signatureValid(
        keyId, key, algorithm, encodedPolicy, signature, policyBytes, signatureBytes)) {
      return SigningError.BAD_SIGNATURE;
    }
    Policy policy;
    try {
      policy = Policy.parse(policyBytes);
    } catch (IllegalArgumentException e) {
      return SigningError.MALFORMED_POLICY;
    }
    if (now >= policy.dateLessThan()) {
      return SigningError.EXPIRED;
    }
    if (policy.dateGreaterThan() != null && now <= policy.dateGreaterThan()) {
      return SigningError.NOT_YET_VALID;
    }
    if (policy.sourceIp() != null && !policy.sourceIp().contains(request.clientAddress())) {
      return SigningError.WRONG_IP;
    }
    if (policy.resource() != null) {
      String query = String.join("&", ownQuery);
      if (!ResourcePattern.matches(
              policy.resource(), request.scheme(), request.authority(), request.path(), query)
          || (!canonicalPath.equals(request.path())
              && !ResourcePattern.matches(
                  policy.resource(),
                  request.scheme(),
                  request.authority(),
                  canonicalPath,
                  query))) {
        return SigningError.WRONG_RESOURCE;
      }
    }
    return null;
  }

  /**
   * Checks the signature, or finds that this exact combination was found valid before. {@code
   * policyText} and {@code signatureText} identify the bytes one to one (the Base64 is canonical).
   */
  private boolean signatureValid(
      String keyId,
      PublicKey key,
      HashAlgorithm algorithm,
      String policyText,
      String signatureText,
      byte[] policyBytes,
      byte[] signatureBytes) {
    // Keyed by a digest, not the text: a lookup then never compares a viewer's guess with a
    // remembered valid signature byte by byte (String.equals stops at the first difference).
    String cacheKey =
        digest(keyId + '\n' + algorithm.wireName() + '\n' + signatureText + '\n' + policyText);
    if (verified.getIfPresent(cacheKey) != null) {
      return true;
    }
    if (!PolicySigner.verify(key, algorithm, policyBytes, signatureBytes)) {
      return false;
    }
    verified.put(cacheKey, Boolean.TRUE);
    return true;
  }

  private static String digest(String text) {
    try {
      return java.util.Base64.getEncoder()
          .encodeToString(
              java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** The canned policy's resource: scheme, host, path and the viewer's own query string. */
  static String resourceUrl(SignedRequest request, List<String> ownQuery) {
    String url = request.scheme() + "://" + request.authority() + request.path();
    return ownQuery.isEmpty() ? url : url + "?" + String.join("&", ownQuery);
  }

  /**
   * Separates signing parameters (decoded) from the viewer's own ones (kept raw, in order).
   *
   * @return the signing parameters, or {@code null} if one appears twice
   */
  private static Map<String, String> splitQuery(String rawQuery, List<String> ownQuery) {
    if (rawQuery.isEmpty()) {
      return Map.of();
    }
    Map<String, String> signing = new java.util.HashMap<>();
    for (String part : rawQuery.split("&", -1)) {
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      if (SIGNING_PARAMETERS.contains(name)) {
        String value = eq < 0 ? "" : percentDecode(part.substring(eq + 1));
        if (signing.put(name, value) != null) {
          return null;
        }
      } else {
        ownQuery.add(part);
      }
    }
    return signing;
  }

  private static String cookie(SignedRequest request, String name) {
    String value = request.cookie().apply(PolicySigner.COOKIE_PREFIX + name);
    return value == null ? null : percentDecode(value);
  }

  /** Signing values are ASCII; some clients percent-encode {@code ~}, so undo that only. */
  private static String percentDecode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      int high = i + 2 < value.length() && c == '%' ? Character.digit(value.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
      if (low >= 0 && high * 16 + low >= 0x20 && high * 16 + low < 0x7f) {
        out.append((char) (high * 16 + low));
        i += 2;
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }
}
