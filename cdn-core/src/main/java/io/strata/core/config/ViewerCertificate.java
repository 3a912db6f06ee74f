package io.strata.core.config;

/**
 * The TLS certificate served for a distribution's aliases, chosen by SNI.
 *
 * @param certificateChain PEM certificates, leaf first
 * @param privateKey the PEM private key of the leaf
 */
public record ViewerCertificate(String certificateChain, String privateKey) {
  public ViewerCertificate {
    if (certificateChain == null || !certificateChain.contains("-----BEGIN CERTIFICATE-----")) {
      throw new InvalidValueException(
          "certificateChain", "(expected: PEM text with -----BEGIN CERTIFICATE-----)");
    }
    if (privateKey == null || !privateKey.contains("PRIVATE KEY-----")) {
      throw new InvalidValueException(
          "privateKey", "(expected: PEM text with -----BEGIN PRIVATE KEY-----)");
    }
  }
}
