package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ViewerCertificate;
import io.strata.core.server.CacheNode;
import io.strata.core.server.Certificates;
import io.strata.core.server.ConnectionLimits;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.server.TlsSettings;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same wire checks behind TLS: they read the decrypted bytes, and time the handshake too. */
class TlsProtocolAttacksTest {
  /** Longer than over plain HTTP: the deadline includes the handshake, slow on a loaded machine. */
  static final long HEAD_TIMEOUT_MILLIS = 1_500;

  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static PrometheusMeterRegistry registry;
  private static CacheNode edge;

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin = new ScriptedOrigin(vertx).on("/", req -> req.response().end("ok " + req.path()));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Certificates.Issued cert = Certificates.selfSigned(List.of("localhost", "127.0.0.1"));
    TlsSettings tls =
        new TlsSettings(
            new ListenOptions("127.0.0.1", 0, 1),
            new ViewerCertificate(cert.certificatePem(), cert.privateKeyPem()));
    edge =
        ProtocolAttacksTest.startEdge(
            vertx,
            origin.url(),
            registry,
            ConnectionLimits.DEFAULT.withTimeouts(HEAD_TIMEOUT_MILLIS, 30_000),
            tls);
  }

  @AfterAll
  static void stop() {
    Sync.await(edge.close());
    origin.close();
    Sync.await(vertx.close());
  }

  private static SSLContext client;

  private static SSLSocket tls() throws Exception {
    if (client == null) {
      client = trustingClient();
      // The deadline counts the handshake too: warm the JDK's TLS up once so the tests time the
      // edge, not the JDK's first handshake.
      try (SSLSocket warm = (SSLSocket) client.getSocketFactory().createSocket()) {
        warm.connect(new java.net.InetSocketAddress("127.0.0.1", edge.tlsPort()));
        warm.startHandshake();
      }
    }
    SSLSocket socket =
        (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", edge.tlsPort());
    socket.setSoTimeout(5000);
    socket.startHandshake();
    return socket;
  }

  private static SSLContext trustingClient() throws Exception {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trustAll}, null);
    return context;
  }

  private static String exchange(Socket socket, String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    try {
      for (int b; (b = in.read()) != -1; ) {
        all.write(b);
      }
    } catch (SocketException closed) {
      // closed by the edge
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void smugglingOverTlsIsRefusedWith400() throws Exception {
    try (SSLSocket socket = tls()) {
      String answer =
          exchange(
              socket,
              "POST /tls-smuggle HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
      assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
      assertTrue(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
    }
    assertEquals(0, origin.hits("/tls-smuggle"));
  }

  @Test
  void slowHeadOverTlsIsAnswered408() throws Exception {
    try (SSLSocket socket = tls()) {
      String answer = exchange(socket, "GET /tls-slow HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
    }
    assertEquals(0, origin.hits("/tls-slow"));
  }

  @Test
  void aTlsHandshakeThatNeverStartsIsClosedAtTheDeadline() throws Exception {
    double before = ProtocolAttacksTest.rejections(registry, "request_head_timeout");
    long start = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", edge.tlsPort())) {
      socket.setSoTimeout(5000);
      assertEquals(-1, socket.getInputStream().read(), "closed without a byte");
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMillis >= HEAD_TIMEOUT_MILLIS - 50, tookMillis + " ms");
    assertTrue(tookMillis < HEAD_TIMEOUT_MILLIS + 2_000, tookMillis + " ms");
    assertEquals(before + 1, ProtocolAttacksTest.rejections(registry, "request_head_timeout"));
  }

  @Test
  void overTheCapATlsConnectionIsClosedBeforeAnyHandshake() throws Exception {
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Certificates.Issued cert = Certificates.selfSigned(List.of("127.0.0.1"));
    CacheNode capped =
        ProtocolAttacksTest.startEdge(
            vertx,
            origin.url(),
            own,
            ConnectionLimits.DEFAULT.withMaxConnections(1, 0),
            new TlsSettings(
                new ListenOptions("127.0.0.1", 0, 1),
                new ViewerCertificate(cert.certificatePem(), cert.privateKeyPem())));
    // One plain-HTTP viewer fills the cap the two listeners share.
    try (RawViewer plain = new RawViewer(capped.port())) {
      long deadline = System.currentTimeMillis() + 2_000;
      while (own.find("strata.viewer.connections").gauge().value() < 1
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(refusedTls(capped.tlsPort()));
      assertEquals(1, ProtocolAttacksTest.rejections(own, "max_connections"));
    } finally {
      Sync.await(capped.close());
    }
  }

  private static boolean refusedTls(int port) throws IOException {
    try (Socket tls = new Socket("127.0.0.1", port)) {
      tls.setSoTimeout(5000);
      tls.getOutputStream().write(0x16); // the first byte of a ClientHello
      return tls.getInputStream().read() == -1; // closed, nothing written
    } catch (SocketException reset) {
      return true;
    }
  }

  @Test
  void wellFormedRequestsOverTlsAreServed() throws Exception {
    try (SSLSocket socket = tls()) {
      String answer =
          exchange(socket, "GET /tls-ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
      assertTrue(answer.endsWith("ok /tls-ok"), answer);
    }
  }
}
