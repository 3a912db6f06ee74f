package io.strata.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Access keys for the function runtime's Invoke API (AWS Signature V4). SigV4 is an HMAC keyed by
 * the secret, so the verifier needs the secret itself: a hash cannot be stored. Secrets are
 * therefore stored encrypted (AES-256-GCM) under a key kept in a file beside the database ({@code
 * <data>/access-keys.key}, owner-only), so a copy of the database alone does not reveal them; they
 * are decrypted only to send to the function runtime over the authenticated node stream.
 */
final class AccessKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private final SecretKeySpec key;

  AccessKeys(Path dataDir) {
    Path file = dataDir.resolve("access-keys.key");
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        Path tmp = dataDir.resolve("access-keys.key.tmp");
        Files.write(tmp, fresh);
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // Not a POSIX file system: the directory's own permissions protect it.
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length != 32) {
        throw new IllegalStateException(file + " is not a 32-byte key");
      }
      this.key = new SecretKeySpec(bytes, "AES");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  /** A new access key id: {@code AKIA} and 16 characters of base32, as AWS's look. */
  static String newId() {
    StringBuilder sb = new StringBuilder("AKIA");
    for (int i = 0; i < 16; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** A new secret: 30 random bytes, 40 characters of base64. */
  static String newSecret() {
    byte[] b = new byte[30];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b).replace('+', 'A').replace('/', 'B');
  }

  String seal(String secret, String id) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      // The key id is bound in, so a sealed secret cannot be moved to another id.
      c.updateAAD(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + ct.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(ct, 0, out, iv.length, ct.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String open(String sealed, String id) {
    try {
      byte[] in = Base64.getDecoder().decode(sealed);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
      c.updateAAD(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return new String(c.doFinal(in, 12, in.length - 12), java.nio.charset.StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "access key " + id + " cannot be decrypted: was access-keys.key replaced?", e);
    }
  }
}
