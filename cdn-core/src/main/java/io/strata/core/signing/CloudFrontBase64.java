package io.strata.core.signing;

import java.util.Base64;

/**
 * CloudFront's URL-safe Base64: standard Base64 with {@code +}→{@code -}, {@code =}→{@code _} and
 * {@code /}→{@code ~}. Used for {@code Signature} and {@code Policy} in URLs and cookies.
 */
public final class CloudFrontBase64 {
  private CloudFrontBase64() {}

  public static String encode(byte[] bytes) {
    return Base64.getEncoder()
        .encodeToString(bytes)
        .replace('+', '-')
        .replace('=', '_')
        .replace('/', '~');
  }

  /**
   * Decodes a value, tolerating a value that was already in standard Base64 and missing padding.
   * Only the canonical encoding of the bytes is accepted (no stray bits in the last character), so
   * that changing any character of a signature or policy changes what is verified.
   *
   * @throws IllegalArgumentException if the value is not canonical Base64 after reversing the
   *     substitutions
   */
  public static byte[] decode(String text) {
    String standard = text.replace('-', '+').replace('_', '=').replace('~', '/');
    byte[] bytes = Base64.getDecoder().decode(standard);
    String canonical = Base64.getEncoder().encodeToString(bytes);
    if (!standard.equals(canonical) && !standard.equals(canonical.replace("=", ""))) {
      throw new IllegalArgumentException("not canonical Base64");
    }
    return bytes;
  }
}
