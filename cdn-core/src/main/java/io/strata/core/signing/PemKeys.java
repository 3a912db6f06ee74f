package io.strata.core.signing;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * PEM keys for signing, read and written with Bouncy Castle: public keys ({@code BEGIN PUBLIC
 * KEY}), private keys in PKCS#8 ({@code BEGIN PRIVATE KEY}) or the traditional OpenSSL forms
 * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}). Only the key types CloudFront
 * accepts are allowed: RSA 2048 and ECDSA P-256.
 */
public final class PemKeys {
  private static final JcaPEMKeyConverter CONVERTER = new JcaPEMKeyConverter();

  private PemKeys() {}

  /** The two key types CloudFront accepts for trusted key groups. */
  public enum KeyType {
    RSA,
    EC
  }

  /**
   * @throws IllegalArgumentException if the text is not one PEM public key of an accepted type
   */
  public static PublicKey parsePublicKey(String pem) {
    Object object = readPem(pem);
    try {
      PublicKey key;
      if (object instanceof SubjectPublicKeyInfo info) {
        key = CONVERTER.getPublicKey(info);
      } else if (object instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
        key = CONVERTER.getPublicKey(holder.getSubjectPublicKeyInfo());
      } else {
        throw new IllegalArgumentException(
            "not a PEM public key (expected: -----BEGIN PUBLIC KEY-----)");
      }
      checkType(key);
      return key;
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable public key: " + e.getMessage());
    }
  }

  /**
   * @throws IllegalArgumentException if the text is not one PEM private key
   */
  public static PrivateKey parsePrivateKey(String pem) {
    Object object = readPem(pem);
    try {
      if (object instanceof PEMKeyPair pair) {
        return CONVERTER.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (object instanceof PrivateKeyInfo info) {
        return CONVERTER.getPrivateKey(info);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable private key: " + e.getMessage());
    }
    throw new IllegalArgumentException(
        "not a PEM private key (expected: -----BEGIN PRIVATE KEY----- or an RSA/EC private key)");
  }

  /** Generates an RSA 2048 or EC P-256 key pair. */
  public static KeyPair generate(KeyType type) {
    try {
      if (type == KeyType.RSA) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate " + type + " keys", e);
    }
  }

  /** PEM text of a key: {@code PUBLIC KEY} for public keys, PKCS#8 {@code PRIVATE KEY} else. */
  public static String toPem(java.security.Key key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      if (key instanceof PrivateKey privateKey) {
        writer.writeObject(
            new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", privateKey.getEncoded()));
      } else {
        writer.writeObject(key);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }

  private static Object readPem(String pem) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("empty (expected: PEM text)");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      if (object == null) {
        throw new IllegalArgumentException("no PEM block found (expected: -----BEGIN ...-----)");
      }
      return object;
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable PEM: " + e.getMessage());
    }
  }

  private static void checkType(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits != 2048) {
        throw new IllegalArgumentException("RSA key of " + bits + " bits (expected: 2048)");
      }
      return;
    }
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits != 256) {
        throw new IllegalArgumentException("EC key on a " + bits + "-bit curve (expected: P-256)");
      }
      return;
    }
    throw new IllegalArgumentException(
        key.getAlgorithm() + " key (expected: RSA 2048 or EC P-256)");
  }
}
