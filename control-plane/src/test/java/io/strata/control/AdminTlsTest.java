package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.testing.Sync;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener speaks TLS when a certificate is configured. */
class AdminTlsTest {
  @TempDir Path dir;

  @Test
  void adminApiAndNodeStreamAreServedOverTlsWithTheConfiguredCertificate() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair keys = generator.generateKeyPair();
    long now = System.currentTimeMillis();
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        new X500Name("CN=127.0.0.1"),
                        BigInteger.valueOf(now),
                        new Date(now - 60_000),
                        new Date(now + 3_600_000),
                        new X500Name("CN=127.0.0.1"),
                        keys.getPublic())
                    .addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    Path certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(certFile, pem(cert));
    // PKCS#8, the form Vert.x reads for any key type.
    Files.writeString(
        keyFile,
        "-----BEGIN PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");

    Vertx vertx = Vertx.vertx();
    try {
      ControlPlane cp =
          Sync.await(
              ControlPlane.start(
                  vertx,
                  TestStores.h2(dir.resolve("data"))
                      .withAdminToken("tls-admin-token-0123")
                      .withTls(certFile, keyFile)));
      try {
        assertTrue(cp.tls());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("cp", cert);
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client =
            HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + cp.port() + "/v1/status"))
                    .header("Authorization", "Bearer tls-admin-token-0123")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        // A node follows the control plane over TLS, trusting the configured certificate.
        io.strata.core.server.CacheNode node =
            Sync.await(
                io.strata.core.server.CacheNode.start(
                    vertx,
                    new io.strata.core.proxy.TierSettings("regional", "regional-tls", 1 << 20),
                    new io.strata.core.server.ListenOptions("127.0.0.1", 0, 1),
                    1 << 20,
                    new io.strata.core.routing.Router(
                        new io.strata.core.config.StrataConfig(java.util.List.of())),
                    new io.strata.core.upstream.OriginUpstream(vertx.createHttpClient()),
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                    io.strata.core.time.Clock.SYSTEM));
        io.strata.core.control.NodeAgent agent =
            Sync.await(
                io.strata.core.control.NodeAgent.start(
                    vertx,
                    new io.strata.core.control.NodeAgent.Settings(
                        URI.create("https://127.0.0.1:" + cp.port()),
                        "tls-admin-token-0123",
                        "regional-tls",
                        "regional",
                        "http://127.0.0.1:" + node.port(),
                        "test",
                        dir.resolve("nodes/regional-tls.json"),
                        200,
                        50,
                        certFile),
                    node,
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!agent.connected() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertTrue(agent.connected(), "node registered over TLS");
        HttpResponse<String> nodes =
            client.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + cp.port() + "/v1/nodes"))
                    .header("Authorization", "Bearer tls-admin-token-0123")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(nodes.body().contains("regional-tls"), nodes.body());
        Sync.await(agent.stop());
        Sync.await(node.close());

        assertThrows(
            IOException.class,
            () ->
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + cp.port() + "/v1/status"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.ofString()));
      } finally {
        Sync.await(cp.close());
      }
    } finally {
      Sync.await(vertx.close());
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(o);
    }
    return w.toString();
  }
}
