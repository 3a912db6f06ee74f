package io.strata.core.config;

import io.strata.core.signing.PemKeys;
import java.security.PublicKey;

/**
 * A CloudFront public key that can verify signed URLs and cookies: RSA 2048 or EC P-256, in PEM.
 *
 * @param id the key id viewers send as {@code Key-Pair-Id}
 * @param encodedKey the PEM text ({@code -----BEGIN PUBLIC KEY-----})
 */
public record SigningPublicKey(String id, String encodedKey) {
  public SigningPublicKey {
    Syntax.checkId("id", id);
    try {
      PemKeys.parsePublicKey(encodedKey);
    } catch (IllegalArgumentException e) {
      throw new InvalidValueException("encodedKey", e.getMessage());
    }
  }

  /** The parsed key (parsing is cheap; callers build their lookup tables once per snapshot). */
  public PublicKey key() {
    return PemKeys.parsePublicKey(encodedKey);
  }
}
