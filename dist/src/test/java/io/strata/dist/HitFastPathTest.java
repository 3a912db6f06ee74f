package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.config.ViewerCertificate;
import io.strata.core.server.Certificates;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.server.TlsSettings;
import io.strata.core.signing.PemKeys;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge's hit fast path (answers below Vert.x's HTTP server) against the normal path: for every
 * request it takes, the response must be byte for byte what the normal path sends (the request id
 * aside; the clock is manual, so {@code Age} must match too); every request it must not take stays
 * on the normal path, as the {@code strata.cache.hits.fast} counter shows.
 */
class HitFastPathTest {
  private static final KeyPair KEYS = PemKeys.generate(PemKeys.KeyType.EC);
  private static final String ONE_K = "a".repeat(1024);

  /** A body whose every offset matters: a shifted or misplaced slice shows. */
  static String pattern(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + (i * 7 + i / 26) % 26));
    }
    return sb.toString();
  }

  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;
  private static SSLContext trusting;

  @BeforeAll
  static void start() throws Exception {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/obj/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .putHeader("Content-Type", "application/octet-stream")
                        .putHeader("ETag", "\"v1\"")
                        .putHeader("Accept-Ranges", "none")
                        .end(ONE_K))
            .on(
                "/text/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .putHeader("Content-Type", "text/plain")
                        .putHeader("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT")
                        .end("text ".repeat(400)))
            .on(
                "/big/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .putHeader("Content-Type", "application/octet-stream")
                        .end(
                            pattern(
                                req.path().startsWith("/big/mid")
                                    ? 60_000
                                    : req.path().startsWith("/big/huge") ? 1 << 20 : 200_000)))
            .on("/short/", req -> req.response().putHeader("Cache-Control", "max-age=5").end(ONE_K))
            .on(
                "/vary/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .putHeader("Vary", "User-Agent")
                        .end("varies"))
            .on(
                "/api/",
                req ->
                    req.response().putHeader("Cache-Control", "no-store").end("api " + req.path()))
            .on("/", req -> req.response().putHeader("Cache-Control", "max-age=600").end("ok"));
    Certificates.Issued cert = Certificates.selfSigned(List.of("localhost", "127.0.0.1"));
    TlsSettings tls =
        new TlsSettings(
            new ListenOptions("127.0.0.1", 0, 1),
            new ViewerCertificate(cert.certificatePem(), cert.privateKeyPem()));
    tiers = new Tiers(vertx, config(origin.url()), 0, tls);
    trusting = SSLContext.getInstance("TLS");
    trusting.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
  }

  @AfterAll
  static void stop() {
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  @AfterEach
  void fastPathBackOn() {
    tiers.edge.fastHits().enabled(true);
  }

  static String config(String originUrl) {
    return String.join(
        "\n",
        "publicKeys:",
        "  - id: KSIGNER",
        "    encodedKey: |",
        PrivateContentTest.indent(PemKeys.toPem(KEYS.getPublic()), 6),
        "keyGroups: [{ id: signers, keys: [KSIGNER] }]",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1, localhost]",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior:",
        "      origin: web",
        "      cachePolicy: { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 }",
        "    behaviors:",
        "      - { pathPattern: /text/*, origin: web, compress: true }",
        "      - { pathPattern: /private/*, origin: web, trustedKeyGroups: [signers] }",
        "      - pathPattern: /api/*",
        "        origin: web",
        "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
        "      - { pathPattern: /secure/*, origin: web, viewerProtocolPolicy: https-only }",
        "  - id: mine",
        "    aliases: [mine.test]",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior: { origin: web }",
        "    restrictions: { ipAllow: [127.0.0.1/32] }",
        "");
  }

  private double fastHits() {
    return tiers.registry.get("strata.cache.hits.fast").tag("role", "edge").counter().count();
  }

  private double bytesOut() {
    return tiers.registry.get("strata.bytes.out").tag("role", "edge").counter().count();
  }

  private double ok() {
    return tiers
        .registry
        .get("strata.requests")
        .tag("role", "edge")
        .tag("status", "2xx")
        .counter()
        .count();
  }

  private double hits() {
    return tiers.registry.get("strata.cache.hits").tag("role", "edge").counter().count();
  }

  private static String request(String method, String path, String... headers) {
    StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /** One response: its head lines and body (none for a HEAD request). */
  record Answer(List<String> head, String body) {
    String header(String name) {
      for (String line : head) {
        if (line.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")) {
          return line.substring(name.length() + 1).strip();
        }
      }
      return null;
    }

    /** The head with the request id's value blanked: the one field that differs by design. */
    List<String> comparable() {
      List<String> out = new ArrayList<>();
      for (String line : head) {
        out.add(line.startsWith("X-Strata-Request-Id: ") ? "X-Strata-Request-Id: *" : line);
      }
      return out;
    }
  }

  static Answer read(InputStream in, boolean headRequest) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b == -1) {
        throw new AssertionError("closed after: " + head);
      }
      head.write(b);
      matched =
          (b == '\r' && (matched == 0 || matched == 2))
                  || (b == '\n' && (matched == 1 || matched == 3))
              ? matched + 1
              : (b == '\r' ? 1 : 0);
    }
    List<String> lines =
        new ArrayList<>(List.of(head.toString(StandardCharsets.ISO_8859_1).split("\r\n")));
    Answer answer = new Answer(lines, "");
    String length = answer.header("content-length");
    int status = Integer.parseInt(lines.get(0).split(" ")[1]);
    if (headRequest || status == 304) {
      return answer;
    }
    if (length == null && "chunked".equals(answer.header("transfer-encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        int size = Integer.parseInt(line(in).split(";")[0].strip(), 16);
        if (size == 0) {
          while (!line(in).isEmpty()) {
            // trailers
          }
          return new Answer(lines, body.toString(StandardCharsets.ISO_8859_1));
        }
        body.write(in.readNBytes(size));
        line(in);
      }
    }
    if (length == null) {
      return answer;
    }
    byte[] body = in.readNBytes(Integer.parseInt(length));
    return new Answer(lines, new String(body, StandardCharsets.ISO_8859_1));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b == -1) {
        throw new AssertionError("closed in a chunked body");
      }
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  private static Answer exchange(Socket socket, String request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return read(socket.getInputStream(), request.startsWith("HEAD "));
  }

  private Socket plain() throws IOException {
    Socket socket = new Socket("127.0.0.1", tiers.edge.port());
    socket.setSoTimeout(5000);
    return socket;
  }

  private Socket tls() throws IOException {
    SSLSocket socket =
        (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", tiers.edge.tlsPort());
    socket.setSoTimeout(5000);
    socket.startHandshake();
    return socket;
  }

  /**
   * Stores the object with the fast path off, answers {@code request} on the normal path and on the
   * fast path, and checks that both answers are the same and that only the second was fast.
   */
  private void assertSameOnBothPaths(boolean useTls, String request) throws IOException {
    tiers.edge.fastHits().enabled(false);
    try (Socket socket = useTls ? tls() : plain()) {
      double warmBefore = ok();
      exchange(socket, request.replaceFirst("^HEAD ", "GET "));
      // The miss's response is counted once its fill completes: wait for it.
      awaitCount(() -> ok() == warmBefore + 1);
      double fastBefore = fastHits();
      double hitsBefore = hits();
      double bytesBefore = bytesOut();
      double okBefore = ok();
      Answer normal = exchange(socket, request);
      // Vert.x counts a response's metrics when it ends, just after the last byte is written.
      awaitCount(() -> ok() == okBefore + 1);
      double normalBytes = bytesOut() - bytesBefore;
      assertEquals(fastBefore, fastHits(), "fast path while off");
      assertEquals(hitsBefore + 1, hits(), "the normal path counted a hit");
      tiers.edge.fastHits().enabled(true);
      Answer fast = exchange(socket, request);
      assertEquals(fastBefore + 1, fastHits(), "fast path taken for " + request);
      assertEquals(hitsBefore + 2, hits(), "the fast path counts a hit");
      assertEquals(okBefore + 2, ok(), "the fast path counts a 2xx response");
      assertEquals(normalBytes, bytesOut() - bytesBefore - normalBytes, "bytes out as counted");
      assertEquals(normal.comparable(), fast.comparable(), request);
      assertEquals(normal.body(), fast.body(), request);
      assertEquals("Hit from strata", fast.header("X-Cache"));
      assertTrue(!fast.header("X-Strata-Request-Id").equals(normal.header("X-Strata-Request-Id")));
      // And the keep-alive connection goes on: a second fast answer in a row.
      Answer again = exchange(socket, request);
      assertEquals(fast.comparable(), again.comparable());
      assertEquals(fastBefore + 2, fastHits());
    }
  }

  private static void awaitCount(java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("metric not counted within 5 s");
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void plainGetHitIsTheSameOnBothPaths() throws IOException {
    assertSameOnBothPaths(false, request("GET", "/obj/1k", "User-Agent: wrk", "Accept: */*"));
    // wrk's form: the Host carries the port.
    assertSameOnBothPaths(
        false, "GET /obj/1k HTTP/1.1\r\nHost: localhost:" + tiers.edge.port() + "\r\n\r\n");
  }

  @Test
  void headHitIsTheSameOnBothPathsWithoutBody() throws IOException {
    assertSameOnBothPaths(false, request("HEAD", "/obj/head"));
  }

  @Test
  void compressedVariantsAreTheSameOnBothPaths() throws IOException {
    assertSameOnBothPaths(false, request("GET", "/text/a", "Accept-Encoding: gzip, deflate, br"));
    assertSameOnBothPaths(false, request("GET", "/text/a", "Accept-Encoding: gzip"));
    assertSameOnBothPaths(false, request("GET", "/text/a"));
    assertSameOnBothPaths(false, request("HEAD", "/text/a", "Accept-Encoding: gzip"));
    assertSameOnBothPaths(
        false,
        request("GET", "/obj/plain-with-gzip", "Accept-Encoding: gzip", "Connection: keep-alive"));
  }

  @Test
  void largeBodiesAreTheSameOnBothPaths() throws IOException {
    // 60 000 bytes are a heap body copied after the head; 200 000 and 1 MiB are direct bodies
    // written as views after it.
    assertSameOnBothPaths(false, request("GET", "/big/mid-object"));
    assertSameOnBothPaths(false, request("GET", "/big/object"));
    assertSameOnBothPaths(false, request("HEAD", "/big/object"));
    assertSameOnBothPaths(false, request("GET", "/big/huge-object"));
    assertSameOnBothPaths(true, request("GET", "/big/huge-over-tls"));
    assertSameOnBothPaths(true, request("HEAD", "/big/huge-over-tls"));
  }

  @Test
  void rangesOfLargeBodiesAreSlicesOfWhatTheFastPathSends() throws IOException {
    String full = pattern(1 << 20);
    try (Socket socket = plain()) {
      exchange(socket, request("GET", "/big/huge-ranges"));
      double fastBefore = fastHits();
      assertEquals(full, exchange(socket, request("GET", "/big/huge-ranges")).body());
      assertEquals(fastBefore + 1, fastHits());
      Answer single =
          exchange(socket, request("GET", "/big/huge-ranges", "Range: bytes=1000-70999"));
      assertTrue(single.head().get(0).startsWith("HTTP/1.1 206"), single.head().get(0));
      assertEquals(full.substring(1000, 71000), single.body());
      Answer suffix = exchange(socket, request("GET", "/big/huge-ranges", "Range: bytes=-5000"));
      assertEquals(full.substring(full.length() - 5000), suffix.body());
      Answer multi =
          exchange(socket, request("GET", "/big/huge-ranges", "Range: bytes=0-9,600000-600099"));
      assertTrue(multi.header("Content-Type").startsWith("multipart/byteranges"));
      String boundary = multi.header("Content-Type").split("boundary=")[1];
      String[] parts = multi.body().split("--" + boundary);
      assertEquals(4, parts.length, multi.body().substring(0, 200));
      assertTrue(parts[1].endsWith("\r\n\r\n" + full.substring(0, 10) + "\r\n"), parts[1]);
      assertTrue(parts[2].endsWith("\r\n\r\n" + full.substring(600000, 600100) + "\r\n"), parts[2]);
      assertEquals("--\r\n", parts[3]);
      assertEquals(fastBefore + 1, fastHits(), "ranges are the normal path's");
    }
  }

  @Test
  void tlsHitsAreTheSameOnBothPaths() throws IOException {
    assertSameOnBothPaths(true, request("GET", "/obj/over-tls", "Accept-Language: en"));
    assertSameOnBothPaths(true, request("GET", "/text/over-tls", "Accept-Encoding: gzip"));
    // https-only is no obstacle over TLS.
    assertSameOnBothPaths(true, request("HEAD", "/secure/doc"));
  }

  @Test
  void pipelinedRequestsMixingFastAndSlowOnesAreAnsweredInOrder() throws IOException {
    try (Socket socket = plain()) {
      exchange(socket, request("GET", "/obj/pipe"));
      double before = fastHits();
      String batch =
          request("GET", "/obj/pipe")
              + request("GET", "/api/slow")
              + request("HEAD", "/obj/pipe")
              + request("GET", "/obj/pipe", "Range: bytes=0-9")
              + request("GET", "/obj/pipe");
      socket.getOutputStream().write(batch.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      Answer first = read(in, false);
      Answer slow = read(in, false);
      Answer head = read(in, true);
      Answer range = read(in, false);
      Answer last = read(in, false);
      assertEquals(ONE_K, first.body());
      assertEquals("api /api/slow", slow.body());
      assertTrue(head.head().get(0).startsWith("HTTP/1.1 200"));
      assertTrue(range.head().get(0).startsWith("HTTP/1.1 206"), range.head().get(0));
      assertEquals("aaaaaaaaaa", range.body());
      assertEquals(ONE_K, last.body());
      assertTrue(fastHits() - before >= 1, "the first request of the batch was fast");
      // Once the slow ones are answered, the connection is back on the fast path.
      double settled = fastHits();
      assertEquals(ONE_K, exchange(socket, request("GET", "/obj/pipe")).body());
      assertEquals(settled + 1, fastHits());
    }
  }

  @Test
  void requestsTheFastPathMustNotAnswerStayOnTheNormalPath() throws IOException {
    try (Socket socket = plain()) {
      exchange(socket, request("GET", "/obj/guarded"));
      exchange(socket, request("GET", "/vary/x", "User-Agent: a"));
      exchange(socket, request("GET", "/vary/x", "User-Agent: a"));
    }
    List<String> refused =
        List.of(
            request("GET", "/obj/guarded", "Range: bytes=0-1"),
            request("GET", "/obj/guarded", "If-None-Match: \"v1\""),
            request("GET", "/obj/guarded", "If-Modified-Since: Mon, 02 Nov 2026 10:00:00 GMT"),
            request("GET", "/obj/guarded", "Cookie: session=1"),
            request("GET", "/obj/guarded", "Authorization: Basic eDp5"),
            request("GET", "/obj/guarded", "Origin: https://a.test"),
            request("GET", "/obj/guarded", "X-Forwarded-For: 10.0.0.1"),
            request("GET", "/obj/guarded", "Via: 1.1 somewhere"),
            request("GET", "/obj/guarded", "Cache-Control: no-cache"),
            request("GET", "/obj/guarded", "Host: 127.0.0.1"),
            request("GET", "/obj/guarded?x=1"),
            request("GET", "/obj/%67uarded"),
            request("GET", "/obj/./guarded"),
            request("GET", "//obj/guarded"),
            request("GET", "/obj/guarded;x"),
            request("GET", "/vary/x", "User-Agent: a"),
            request("GET", "/private/doc"),
            request("GET", "/secure/doc"),
            "GET /obj/guarded HTTP/1.1\r\nHost: mine.test\r\n\r\n",
            "GET /obj/guarded HTTP/1.1\r\nHost: LOCALHOST\r\n\r\n");
    for (String request : refused) {
      try (Socket socket = plain()) {
        double before = fastHits();
        Answer answer = exchange(socket, request);
        assertEquals(before, fastHits(), "fast path taken for " + request + answer.head());
      }
    }
    // Connection: close and HTTP/1.0 too, answered and closed as the normal path does.
    for (String request :
        List.of(
            request("GET", "/obj/guarded", "Connection: close"),
            "GET /obj/guarded HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")) {
      try (Socket socket = plain()) {
        double before = fastHits();
        Answer answer = exchange(socket, request);
        assertEquals(ONE_K, answer.body());
        assertEquals(before, fastHits(), "fast path taken for " + request);
      }
    }
  }

  @Test
  void aMissGoesThroughTheNormalPathAndIsStoredForTheFastPath() throws IOException {
    try (Socket socket = plain()) {
      double before = fastHits();
      Answer miss = exchange(socket, request("GET", "/obj/cold"));
      assertEquals("Miss from strata", miss.header("X-Cache"));
      assertEquals(before, fastHits());
      Answer hit = exchange(socket, request("GET", "/obj/cold"));
      assertEquals("Hit from strata", hit.header("X-Cache"));
      assertEquals(before + 1, fastHits());
    }
  }

  @Test
  void staleObjectsAreLeftToTheNormalPath() throws IOException {
    try (Socket socket = plain()) {
      exchange(socket, request("GET", "/short/aging"));
      tiers.clock.advance(java.time.Duration.ofSeconds(6));
      double before = fastHits();
      Answer answer = exchange(socket, request("GET", "/short/aging"));
      assertEquals(ONE_K, answer.body());
      assertEquals(before, fastHits());
    }
  }

  @Test
  void requestHeadDeadlineCountsFromEachHeadAfterFastAnswers() throws Exception {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    io.strata.core.server.CacheNode edge =
        ProtocolAttacksTest.startEdge(
            vertx,
            origin.url(),
            registry,
            io.strata.core.server.ConnectionLimits.DEFAULT.withTimeouts(400, 30_000));
    try {
      String get = "GET /obj/deadline HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      try (Socket warm = new Socket("127.0.0.1", edge.port())) {
        warm.setSoTimeout(5000);
        exchange(warm, get);
      }
      try (Socket socket = new Socket("127.0.0.1", edge.port())) {
        socket.setSoTimeout(5000);
        assertEquals(ONE_K, exchange(socket, get).body());
        assertEquals(1.0, registry.get("strata.cache.hits.fast").counter().count());
        // Idle between requests past the head deadline: keep-alive, not a slow head.
        Thread.sleep(900);
        assertEquals(ONE_K, exchange(socket, get).body());
        // A head begun after fast answers gets its own full deadline, then 408.
        long start = System.nanoTime();
        socket
            .getOutputStream()
            .write("GET /obj/deadline HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        Answer refused = read(socket.getInputStream(), false);
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(refused.head().get(0).startsWith("HTTP/1.1 408"), refused.head().get(0));
        assertTrue(waitedMillis >= 300, "408 after " + waitedMillis + " ms");
      }
    } finally {
      Sync.await(edge.close());
    }
  }
}
