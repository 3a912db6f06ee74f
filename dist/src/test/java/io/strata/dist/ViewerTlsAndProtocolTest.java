package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.config.ViewerCertificate;
import io.strata.core.server.Certificates;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.server.TlsSettings;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTPS listener with real TLS clients (HTTP/1.1 and HTTP/2 by ALPN) that trust only the test's
 * own CA; certificates chosen by SNI; viewer protocol policies and allowed methods.
 */
class ViewerTlsAndProtocolTest {
  private static final Certificates.Issued CA = Certificates.certificateAuthority("Strata Test CA");
  private static final Certificates.Issued DEFAULT_CERT =
      Certificates.issue(CA, List.of("localhost", "127.0.0.1"));
  private static final Certificates.Issued SHOP_CERT =
      Certificates.issue(CA, List.of("shop.example.test"));

  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;
  private static TestClient plain;

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req ->
                    req.body()
                        .onSuccess(
                            body ->
                                req.response()
                                    .putHeader("Cache-Control", "max-age=60")
                                    .end(req.method() + " " + req.uri())));
    TlsSettings tls =
        new TlsSettings(
            new ListenOptions("127.0.0.1", 0, 2),
            new ViewerCertificate(DEFAULT_CERT.certificatePem(), DEFAULT_CERT.privateKeyPem()));
    tiers = new Tiers(vertx, config(origin.url()), 1, tls);
    plain = new TestClient(vertx, tiers.edge.port());
  }

  @AfterAll
  static void stop() {
    plain.close();
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  static String config(String originUrl) {
    return String.join(
        "\n",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1, localhost]",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior: { origin: web }",
        "    behaviors:",
        "      - pathPattern: /secure/*",
        "        origin: web",
        "        viewerProtocolPolicy: redirect-to-https",
        "        allowedMethods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]",
        "      - pathPattern: /strict/*",
        "        origin: web",
        "        viewerProtocolPolicy: https-only",
        "      - pathPattern: /readonly/*",
        "        origin: web",
        "        allowedMethods: [GET, HEAD]",
        "  - id: shop",
        "    aliases: [shop.example.test]",
        "    viewerProtocolPolicy: redirect-to-https",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior: { origin: web }",
        "    viewerCertificate:",
        "      certificateChain: |",
        PrivateContentTest.indent(SHOP_CERT.certificatePem(), 8),
        "      privateKey: |",
        PrivateContentTest.indent(SHOP_CERT.privateKeyPem(), 8),
        "");
  }

  private static HttpClient tlsClient(HttpVersion version) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setSsl(true)
            .setUseAlpn(true)
            .setProtocolVersion(version)
            .setVerifyHost(true)
            .setForceSni(true)
            .setTrustOptions(
                new PemTrustOptions().addCertValue(Buffer.buffer(CA.certificatePem()))));
  }

  /** A response with the protocol it came over and the name in the server's certificate. */
  record Seen(
      int status,
      String body,
      HttpVersion version,
      String subject,
      String xCache,
      String protocol) {}

  private static Seen tlsGet(HttpClient client, String host, String uri) {
    RequestOptions options =
        new RequestOptions()
            .setServer(SocketAddress.inetSocketAddress(tiers.edge.tlsPort(), "127.0.0.1"))
            .setHost(host)
            .setPort(tiers.edge.tlsPort())
            .setURI(uri);
    Future<Seen> seen =
        client
            .request(options)
            .compose(
                req ->
                    req.send()
                        .compose(
                            resp ->
                                resp.body()
                                    .map(
                                        body -> {
                                          String subject;
                                          try {
                                            List<Certificate> chain =
                                                req.connection().peerCertificates();
                                            subject =
                                                ((X509Certificate) chain.get(0))
                                                    .getSubjectX500Principal()
                                                    .getName();
                                          } catch (Exception e) {
                                            subject = e.toString();
                                          }
                                          return new Seen(
                                              resp.statusCode(),
                                              body.toString(),
                                              resp.version(),
                                              subject,
                                              resp.getHeader("X-Cache"),
                                              req.connection().sslSession().getProtocol());
                                        })));
    return Sync.await(seen);
  }

  @Test
  void http2AndHttp11ClientsAreServedOverTls() {
    HttpClient h2 = tlsClient(HttpVersion.HTTP_2);
    HttpClient h1 = tlsClient(HttpVersion.HTTP_1_1);
    try {
      Seen first = tlsGet(h2, "localhost", "/page.html");
      assertEquals(200, first.status());
      assertEquals(HttpVersion.HTTP_2, first.version());
      assertEquals("GET /page.html", first.body());
      Seen second = tlsGet(h1, "localhost", "/page.html");
      assertEquals(HttpVersion.HTTP_1_1, second.version());
      assertEquals("Hit from strata", second.xCache());
    } finally {
      Sync.await(h2.close());
      Sync.await(h1.close());
    }
  }

  @Test
  void certificateIsChosenByServerName() {
    HttpClient client = tlsClient(HttpVersion.HTTP_2);
    try {
      Seen shop = tlsGet(client, "shop.example.test", "/cart");
      assertEquals(200, shop.status());
      assertTrue(shop.subject().contains("CN=shop.example.test"), shop.subject());
      Seen site = tlsGet(client, "localhost", "/cart");
      assertTrue(site.subject().contains("CN=localhost"), site.subject());
    } finally {
      Sync.await(client.close());
    }
  }

  @Test
  void configurationSwapBringsNewCertificates() {
    Certificates.Issued blog = Certificates.issue(CA, List.of("blog.example.test"));
    String extra =
        String.join(
            "\n",
            "  - id: blog",
            "    aliases: [blog.example.test]",
            "    origins: [{ id: web, url: \"" + origin.url() + "\" }]",
            "    defaultBehavior: { origin: web }",
            "    viewerCertificate:",
            "      certificateChain: |",
            PrivateContentTest.indent(blog.certificatePem(), 8),
            "      privateKey: |",
            PrivateContentTest.indent(blog.privateKeyPem(), 8),
            "");
    HttpClient before = tlsClient(HttpVersion.HTTP_1_1);
    try {
      // Before the swap the name is unknown: the default certificate does not cover it.
      org.junit.jupiter.api.Assertions.assertThrows(
          AssertionError.class, () -> tlsGet(before, "blog.example.test", "/post"));
    } finally {
      Sync.await(before.close());
    }
    io.strata.core.routing.Router swapped =
        new io.strata.core.routing.Router(
            io.strata.core.config.ConfigLoader.parse(config(origin.url()) + extra, "swapped.yaml"));
    tiers.regionals.forEach(regional -> Sync.await(regional.swapRouter(swapped)));
    Sync.await(tiers.edge.swapRouter(swapped));
    HttpClient after = tlsClient(HttpVersion.HTTP_2);
    try {
      Seen seen = tlsGet(after, "blog.example.test", "/post");
      assertEquals(200, seen.status());
      assertTrue(seen.subject().contains("CN=blog.example.test"), seen.subject());
    } finally {
      Sync.await(after.close());
    }
  }

  @Test
  void onlyTls12AndTls13AreOfferedAndBothServe() {
    HttpServerOptions options =
        new TlsSettings(
                new ListenOptions("127.0.0.1", 0, 1),
                new ViewerCertificate(DEFAULT_CERT.certificatePem(), DEFAULT_CERT.privateKeyPem()))
            .serverOptions(
                new HttpServerOptions(), new io.strata.core.config.StrataConfig(List.of()));
    assertEquals(Set.of("TLSv1.2", "TLSv1.3"), options.getEnabledSecureTransportProtocols());
    for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
      HttpClient client =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setSsl(true)
                  .setVerifyHost(true)
                  .setEnabledSecureTransportProtocols(Set.of(protocol))
                  .setTrustOptions(
                      new PemTrustOptions().addCertValue(Buffer.buffer(CA.certificatePem()))));
      try {
        Seen seen = tlsGet(client, "localhost", "/tls-version");
        assertEquals(200, seen.status());
        assertEquals(protocol, seen.protocol());
      } finally {
        Sync.await(client.close());
      }
    }
  }

  @Test
  void redirectToHttpsAnswers301ForGetAnd307ForPost() {
    Response get = plain.get("/secure/a?x=1");
    assertEquals(301, get.status());
    assertEquals(
        "https://127.0.0.1:" + tiers.edge.tlsPort() + "/secure/a?x=1", get.header("Location"));
    assertEquals("Redirect from strata", get.header("X-Cache"));
    Response post = plain.request(HttpMethod.POST, "/secure/form", null, Buffer.buffer("a=1"));
    assertEquals(307, post.status());
    assertEquals(0, origin.hits("/secure/a") + origin.hits("/secure/form"));

    HttpClient client = tlsClient(HttpVersion.HTTP_2);
    try {
      assertEquals(200, tlsGet(client, "127.0.0.1", "/secure/a?x=1").status());
    } finally {
      Sync.await(client.close());
    }
  }

  @Test
  void distributionPolicyAppliesToBehaviorsWithoutTheirOwn() {
    TestClient.Response response =
        plain.request(
            HttpMethod.GET,
            "/cart",
            io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Host", "shop.example.test"),
            null);
    assertEquals(301, response.status());
    assertTrue(response.header("Location").startsWith("https://shop.example.test:"));
  }

  @Test
  void httpsOnlyRefusesPlainHttpWith403() {
    Response response = plain.get("/strict/x");
    assertEquals(403, response.status());
    assertEquals("Error from strata", response.header("X-Cache"));
    assertEquals(0, origin.hits("/strict/x"));
  }

  @Test
  void methodOutsideAllowedMethodsIs403AsInCloudFront() {
    Response post = plain.request(HttpMethod.POST, "/readonly/x", null, Buffer.buffer("a"));
    assertEquals(403, post.status());
    assertEquals(0, origin.hits("/readonly/x"));
    assertEquals(200, plain.get("/readonly/x").status());
    assertNull(plain.get("/readonly/x").header("Location"));
  }
}
