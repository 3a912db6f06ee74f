package io.strata.core.signing;

import java.security.PublicKey;
import java.security.interfaces.ECKey;

/**
 * The digest of a CloudFront signature: SHA-1 unless the URL says {@code Hash-Algorithm=SHA256} (or
 * the cookie {@code CloudFront-Hash-Algorithm=SHA256}).
 */
public enum HashAlgorithm {
  SHA1("SHA1"),
  SHA256("SHA256");

  private final String wireName;

  HashAlgorithm(String wireName) {
    this.wireName = wireName;
  }

  /** The value of the {@code Hash-Algorithm} parameter. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses the parameter; {@code null} (absent) means SHA-1.
   *
   * @return the algorithm, or {@code null} for a value CloudFront does not define
   */
  public static HashAlgorithm fromWire(String value) {
    if (value == null) {
      return SHA1;
    }
    for (HashAlgorithm algorithm : values()) {
      if (algorithm.wireName.equals(value)) {
        return algorithm;
      }
    }
    return null;
  }

  /** The JCA signature algorithm for a key of this kind: RSA PKCS#1 v1.5 or DER ECDSA. */
  public String jcaName(java.security.Key key) {
    boolean ec = key instanceof ECKey || "EC".equals(key.getAlgorithm());
    return wireName + "with" + (ec ? "ECDSA" : "RSA");
  }

  static boolean isEc(PublicKey key) {
    return key instanceof ECKey;
  }
}
