package io.strata.core.server;

import io.strata.core.signing.PemKeys;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * X.509 certificates made with Bouncy Castle: a self-signed development certificate for {@code
 * strata up} when none is configured, and a small CA that tests use to issue per-host certificates
 * their clients trust.
 */
public final class Certificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /**
   * A certificate and its key, both PEM.
   *
   * @param certificatePem the certificate (for a chain, leaf first)
   * @param privateKeyPem the PKCS#8 private key
   */
  public record Issued(String certificatePem, String privateKeyPem, KeyPair keys, X500Name name) {}

  /** A self-signed certificate (EC P-256, 90 days) for the given host names and IP addresses. */
  public static Issued selfSigned(List<String> names) {
    return issue(null, names, false);
  }

  /** A certificate authority (EC P-256, 90 days) for tests. */
  public static Issued certificateAuthority(String commonName) {
    return issue(null, List.of(commonName), true);
  }

  /** A leaf certificate for the given names, signed by {@code ca}. */
  public static Issued issue(Issued ca, List<String> names) {
    return issue(ca, names, false);
  }

  private static Issued issue(Issued ca, List<String> names, boolean isCa) {
    KeyPair keys = PemKeys.generate(PemKeys.KeyType.EC);
    X500Name subject = new X500Name("CN=" + names.get(0).replace(",", "") + ",O=Strata");
    long now = System.currentTimeMillis();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            ca == null ? subject : ca.name(),
            new BigInteger(64, RANDOM),
            new Date(now - 3_600_000L),
            new Date(now + 90L * 86_400_000L),
            subject,
            keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (isCa) {
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        List<GeneralName> alternatives = new ArrayList<>();
        for (String name : names) {
          alternatives.add(
              isIpLiteral(name)
                  ? new GeneralName(GeneralName.iPAddress, name)
                  : new GeneralName(GeneralName.dNSName, name));
        }
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(alternatives.toArray(new GeneralName[0])));
      }
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA")
              .build(ca == null ? keys.getPrivate() : ca.keys().getPrivate());
      X509CertificateHolder holder = builder.build(signer);
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(holder);
      }
      return new Issued(pem.toString(), PemKeys.toPem(keys.getPrivate()), keys, subject);
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a certificate: " + e.getMessage(), e);
    }
  }

  private static boolean isIpLiteral(String name) {
    return io.strata.core.net.Cidr.literal(name) != null;
  }
}
