package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.strata.core.cache.CacheKey;
import io.strata.core.cache.StoredBody;
import io.strata.core.config.ConfigLoader;
import io.strata.core.config.ViewerCertificate;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.Certificates;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.server.TlsSettings;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.time.ManualClock;
import io.strata.edge.EdgeNode;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The life of a large stored body (direct memory) over real loopback connections, edge → regional →
 * origin: every write gives back the reference it took, on every path that writes a stored body
 * (fast path, Vert.x path, ranges, HEAD, 304, TLS, flash-crowd waiters, the regional answering the
 * edge), also when the viewer goes away mid-body; an entry that leaves the store while a slow
 * viewer still reads it (invalidated, replaced by a newer fill, evicted, store closed) still
 * delivers the right bytes and is freed afterwards. Reference counts are asserted explicitly, and
 * Netty's leak detector runs at PARANOID and must report nothing (its own surefire execution, so
 * the recording detector is installed before the first buffer exists).
 */
class StoredBodyLifecycleTest {
  private static final List<String> LEAKS = Collections.synchronizedList(new ArrayList<>());
  private static final boolean RECORDING;

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    boolean[] installed = {false};
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
        new ResourceLeakDetectorFactory() {
          @Override
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval, long maxActive) {
            if (resource == ByteBuf.class) {
              installed[0] = true;
            }
            return new ResourceLeakDetector<>(resource, samplingInterval) {
              @Override
              protected boolean needReport() {
                return true;
              }

              @Override
              protected void reportTracedLeak(String resourceType, String records) {
                LEAKS.add(resourceType + records);
              }

              @Override
              protected void reportUntracedLeak(String resourceType) {
                LEAKS.add(resourceType);
              }
            };
          }
        });
    // The first buffer makes Netty create the buffers' detector (through the factory when no
    // buffer existed before in this JVM).
    UnpooledByteBufAllocator.DEFAULT.directBuffer(1).release();
    RECORDING = installed[0];
  }

  private static final int MIB = 1 << 20;

  /**
   * What a slow viewer reads: more than loopback's socket buffers take (the kernel's send buffer
   * grows to 4 MiB), so the edge's write of it stays in flight until the viewer reads.
   */
  private static final int HUGE = 6 * MIB;

  private static final AtomicInteger VERSION = new AtomicInteger(1);
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
                "/big/",
                req -> {
                  int version = VERSION.get();
                  req.response()
                      .putHeader("Cache-Control", "max-age=600")
                      .putHeader("Content-Type", "application/octet-stream")
                      .putHeader("ETag", "\"v" + version + "\"")
                      .end(body(req.path(), version));
                })
            .on(
                "/big/revalidated",
                req -> {
                  if ("\"v1\"".equals(req.getHeader("If-None-Match"))) {
                    req.response()
                        .setStatusCode(304)
                        .putHeader("Cache-Control", "max-age=600")
                        .putHeader("ETag", "\"v1\"")
                        .end();
                  } else {
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .putHeader("ETag", "\"v1\"")
                        .end(body(req.path(), 1));
                  }
                })
            .on(
                "/slow/",
                req ->
                    vertx.setTimer(
                        300,
                        t ->
                            req.response()
                                .putHeader("Cache-Control", "max-age=600")
                                .end(body(req.path(), 1))));
    Certificates.Issued cert = Certificates.selfSigned(List.of("localhost", "127.0.0.1"));
    TlsSettings tls =
        new TlsSettings(
            new ListenOptions("127.0.0.1", 0, 1),
            new ViewerCertificate(cert.certificatePem(), cert.privateKeyPem()));
    tiers = new Tiers(vertx, Tiers.config(origin.url()), 1, tls);
    trusting = SSLContext.getInstance("TLS");
    trusting.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(
                java.security.cert.X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(
                java.security.cert.X509Certificate[] chain, String authType) {}

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
              return new java.security.cert.X509Certificate[0];
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
    // Unreleased buffers that became garbage are reported on a later allocation.
    for (int i = 0; i < 5; i++) {
      System.gc();
      UnpooledByteBufAllocator.DEFAULT.directBuffer(1).release();
    }
    assertEquals(List.of(), LEAKS, "Netty's leak detector (PARANOID)");
  }

  /**
   * The bytes of {@code path}: 1 MiB, or {@link #HUGE} under {@code /big/huge}; they depend on the
   * path and version, so a wrong or shifted slice shows.
   */
  static String body(String path, int version) {
    int length = path.startsWith("/big/huge") ? HUGE : MIB;
    StringBuilder sb = new StringBuilder(length);
    int seed = path.hashCode() * 31 + version;
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + Math.floorMod(i * 7 + i / 26 + seed, 26)));
    }
    return sb.toString();
  }

  private static String get(String path, String... headers) {
    StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  private static HitFastPathTest.Answer exchange(Socket socket, String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return HitFastPathTest.read(socket.getInputStream(), request.startsWith("HEAD "));
  }

  private static Socket plain(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static Socket tls() throws IOException {
    SSLSocket socket =
        (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", tiers.edge.tlsPort());
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  /**
   * The body stored for {@code path}, waiting for it: a fill stores its body as it ends, which may
   * be just after the viewer has read the last byte.
   */
  private static StoredBody stored(CacheNode node, String path) {
    CacheKey key = new CacheKey("site", "127.0.0.1", path, "GET", "", "");
    await(() -> node.store().get(key) != null, path + " stored at " + node.tier().nodeId());
    return node.store().get(key).body();
  }

  private static void await(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.onSpinWait();
    }
  }

  private static void awaitRefCnt(StoredBody body, int expected, String when) {
    await(
        () -> body.refCnt() == expected, when + ": refCnt " + body.refCnt() + ", not " + expected);
  }

  private static double directGauge(PrometheusMeterRegistry registry, String node) {
    return registry.get("strata.cache.direct").tag("node", node).gauge().value();
  }

  /**
   * A viewer with a tiny receive window that asks for {@code path} and reads only the head and the
   * first bytes: the edge's write of the rest stays in flight until {@link #readRest}.
   */
  private static final class SlowViewer implements AutoCloseable {
    final Socket socket = new Socket();
    final InputStream in;
    final String head;

    SlowViewer(int port, String request) throws IOException {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      in = socket.getInputStream();
      StringBuilder sb = new StringBuilder();
      while (!sb.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b == -1) {
          throw new AssertionError("closed after " + sb);
        }
        sb.append((char) b);
      }
      head = sb.toString();
    }

    String readRest(int length) throws IOException {
      return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** Goes away mid-body with a reset, as a viewer that closes the tab. */
    void abort() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Frees what each test stored, so the next finds the JVM's direct memory as it was. */
  @AfterEach
  void emptyTheStores() {
    tiers.edge.store().invalidateIf((k, o) -> true);
    tiers.regionals.get(0).store().invalidateIf((k, o) -> true);
  }

  @Test
  void bodiesAreDirectAndTheStoreHoldsOneReference() throws IOException {
    try (Socket socket = plain(tiers.edge.port())) {
      assertEquals(body("/big/held", 1), exchange(socket, get("/big/held")).body());
    }
    StoredBody edge = stored(tiers.edge, "/big/held");
    StoredBody regional = stored(tiers.regionals.get(0), "/big/held");
    assertTrue(edge.isDirect() && regional.isDirect(), "1 MiB bodies are stored off-heap");
    awaitRefCnt(edge, 1, "the edge's miss answered");
    awaitRefCnt(regional, 1, "the regional's miss answered");
    assertTrue(directGauge(tiers.registry, "edge-0") >= MIB);
    assertEquals(tiers.edge.store().directBytes(), directGauge(tiers.registry, "edge-0"));
  }

  @Test
  void everyPathThatWritesAStoredBodyGivesItsReferenceBack() throws IOException {
    String path = "/big/paths";
    String full = body(path, 1);
    try (Socket socket = plain(tiers.edge.port())) {
      exchange(socket, get(path));
      StoredBody edge = stored(tiers.edge, path);
      double fastBefore = fastHits();
      // Fast path: GET and HEAD.
      assertEquals(full, exchange(socket, get(path)).body());
      assertEquals(fastBefore + 1, fastHits());
      awaitRefCnt(edge, 1, "fast-path GET");
      exchange(socket, get(path).replaceFirst("^GET", "HEAD"));
      awaitRefCnt(edge, 1, "fast-path HEAD");
      // Vert.x path (a header the fast path leaves to it): whole body, a range, several ranges,
      // a 304.
      assertEquals(full, exchange(socket, get(path, "X-Test: 1")).body());
      awaitRefCnt(edge, 1, "Vert.x path GET");
      assertEquals(
          full.substring(5, 700_005), exchange(socket, get(path, "Range: bytes=5-700004")).body());
      awaitRefCnt(edge, 1, "Vert.x path range");
      String multipart = exchange(socket, get(path, "Range: bytes=0-99,-100")).body();
      assertTrue(
          multipart.contains(full.substring(0, 100))
              && multipart.contains(full.substring(MIB - 100)));
      awaitRefCnt(edge, 1, "Vert.x path multipart ranges");
      HitFastPathTest.Answer notModified = exchange(socket, get(path, "If-None-Match: \"v1\""));
      assertTrue(notModified.head().get(0).startsWith("HTTP/1.1 304"), notModified.head().get(0));
      awaitRefCnt(edge, 1, "304");
      assertEquals(fastBefore + 2, fastHits(), "only the first GET and the HEAD were fast");
    }
    // TLS: the fast path behind the TLS handler.
    try (Socket socket = tls()) {
      double fastBefore = fastHits();
      assertEquals(full, exchange(socket, get(path)).body());
      assertEquals(fastBefore + 1, fastHits());
      awaitRefCnt(stored(tiers.edge, path), 1, "fast-path GET over TLS");
    }
    // The regional answering the edge from its store (a hit there): the edge's copy is dropped.
    StoredBody oldEdge = stored(tiers.edge, path);
    StoredBody regional = stored(tiers.regionals.get(0), path);
    tiers.edge.store().invalidate(new CacheKey("site", "127.0.0.1", path, "GET", "", ""));
    assertEquals(0, oldEdge.refCnt(), "invalidated and no write in flight: freed at once");
    try (Socket socket = plain(tiers.edge.port())) {
      HitFastPathTest.Answer again = exchange(socket, get(path));
      assertEquals(full, again.body());
      assertTrue(again.header("Cache-Status").contains("regional-0; hit"), again.head().toString());
    }
    awaitRefCnt(regional, 1, "the regional's hit for the edge");
    awaitRefCnt(stored(tiers.edge, path), 1, "the edge's new copy");
  }

  @Test
  void http2ResponsesGiveTheirReferencesBack() {
    String path = "/big/over-h2";
    io.vertx.core.http.HttpClient client =
        vertx.createHttpClient(
            new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
                .setSsl(true)
                .setUseAlpn(true)
                .setTrustAll(true)
                .setVerifyHost(false));
    try {
      for (int i = 0; i < 3; i++) {
        io.vertx.core.buffer.Buffer answer =
            Sync.await(
                client
                    .request(
                        io.vertx.core.http.HttpMethod.GET, tiers.edge.tlsPort(), "127.0.0.1", path)
                    .compose(r -> r.send())
                    .compose(
                        r -> {
                          assertEquals(io.vertx.core.http.HttpVersion.HTTP_2, r.version());
                          return r.body();
                        }));
        // Bytes are not compared here: Vert.x's HTTP/2 client, asking again after a pause of a few
        // milliseconds, sometimes receives a 1 MiB body shifted by a few hundred bytes and about
        // 64 KiB short, with heap bodies as on the commit before stored bodies (see
        // docs/benchmarks.md, fourth pass). What is checked is that the writes let go.
        assertTrue(answer.length() > 0);
      }
      awaitRefCnt(stored(tiers.edge, path), 1, "HTTP/2 hits");
    } finally {
      Sync.await(client.close());
    }
  }

  @Test
  void aBodyRevalidatedWithA304IsServedAndKeptWithoutACopy() throws IOException {
    String path = "/big/revalidated";
    try (Socket socket = plain(tiers.edge.port())) {
      assertEquals(body(path, 1), exchange(socket, get(path)).body());
    }
    StoredBody edge = stored(tiers.edge, path);
    StoredBody regional = stored(tiers.regionals.get(0), path);
    awaitRefCnt(edge, 1, "stored at the edge");
    int before = origin.hits(path);
    tiers.clock.advance(Duration.ofSeconds(601));
    try (Socket socket = plain(tiers.edge.port())) {
      HitFastPathTest.Answer refreshed = exchange(socket, get(path));
      assertEquals(body(path, 1), refreshed.body());
      assertTrue(refreshed.header("X-Cache").startsWith("RefreshHit"), refreshed.head().toString());
    }
    assertEquals(before + 1, origin.hits(path), "one conditional request reached the origin");
    CacheKey key = new CacheKey("site", "127.0.0.1", path, "GET", "", "");
    await(() -> tiers.edge.store().get(key).isFresh(tiers.clock.millis()), "refreshed entry");
    assertTrue(stored(tiers.edge, path) == edge, "the refreshed entry keeps the stored body");
    assertTrue(stored(tiers.regionals.get(0), path) == regional);
    awaitRefCnt(edge, 1, "the edge's refreshed entry");
    awaitRefCnt(regional, 1, "the regional's refreshed entry");
  }

  private double fastHits() {
    return tiers.registry.get("strata.cache.hits.fast").tag("role", "edge").counter().count();
  }

  @Test
  void viewersThatGoAwayMidBodyGiveTheirReferencesBack() throws IOException {
    String path = "/big/huge-abandoned";
    try (Socket socket = plain(tiers.edge.port())) {
      exchange(socket, get(path));
    }
    StoredBody edge = stored(tiers.edge, path);
    awaitRefCnt(edge, 1, "stored");
    for (String request :
        List.of(get(path), get(path, "X-Test: 1"), get(path, "Range: bytes=1-"))) {
      SlowViewer viewer = new SlowViewer(tiers.edge.port(), request);
      assertEquals(100, viewer.readRest(100).length());
      viewer.abort();
      awaitRefCnt(edge, 1, "viewer gone mid-body: " + request);
    }
  }

  @Test
  void anEntryInvalidatedWhileASlowViewerReadsItIsFreedAfterTheViewerIsDone() throws IOException {
    String path = "/big/huge-invalidated";
    try (Socket socket = plain(tiers.edge.port())) {
      exchange(socket, get(path));
    }
    StoredBody edge = stored(tiers.edge, path);
    awaitRefCnt(edge, 1, "stored");
    long directBefore = tiers.edge.store().directBytes();
    try (SlowViewer viewer = new SlowViewer(tiers.edge.port(), get(path))) {
      assertEquals(2, edge.refCnt(), "the slow viewer's write is in flight");
      tiers.edge.store().invalidate(new CacheKey("site", "127.0.0.1", path, "GET", "", ""));
      assertEquals(1, edge.refCnt(), "the store let go; the write still reads it");
      assertEquals(directBefore - HUGE, tiers.edge.store().directBytes());
      assertEquals(tiers.edge.store().directBytes(), directGauge(tiers.registry, "edge-0"));
      assertEquals(body(path, 1), viewer.readRest(HUGE));
      awaitRefCnt(edge, 0, "the viewer read it all");
    }
  }

  @Test
  void anEntryReplacedByANewerFillWhileASlowViewerReadsItIsFreedAfterTheViewerIsDone()
      throws IOException {
    String path = "/big/huge-replaced";
    try (Socket socket = plain(tiers.edge.port())) {
      exchange(socket, get(path));
    }
    StoredBody old = stored(tiers.edge, path);
    awaitRefCnt(old, 1, "stored");
    try (SlowViewer viewer = new SlowViewer(tiers.edge.port(), get(path))) {
      assertEquals(2, old.refCnt(), "the slow viewer's write is in flight");
      // Stale: revalidated through the regional; the origin has a new version.
      int version = VERSION.incrementAndGet();
      tiers.clock.advance(Duration.ofSeconds(601));
      try (Socket socket = plain(tiers.edge.port())) {
        assertEquals(body(path, version), exchange(socket, get(path)).body());
      }
      CacheKey key = new CacheKey("site", "127.0.0.1", path, "GET", "", "");
      await(() -> tiers.edge.store().get(key).body() != old, "the newer fill stored");
      StoredBody newer = stored(tiers.edge, path);
      awaitRefCnt(old, 1, "replaced: the store let go; the slow write still reads it");
      assertEquals(body(path, 1), viewer.readRest(HUGE), "the slow viewer gets the old bytes");
      awaitRefCnt(old, 0, "the viewer read it all");
      awaitRefCnt(newer, 1, "the new entry");
    } finally {
      VERSION.set(1);
    }
  }

  /** An edge straight to the origin with its own registry and byte budget. */
  private static CacheNode edge(String id, long budget, PrometheusMeterRegistry registry) {
    return Sync.await(
        EdgeNode.start(
            vertx,
            id,
            new ListenOptions("127.0.0.1", 0, 1),
            budget,
            8L << 20,
            List.of(),
            new Router(ConfigLoader.parse(Tiers.config(origin.url()), "edge.yaml")),
            registry,
            new ManualClock(System.currentTimeMillis())));
  }

  @Test
  void anEntryEvictedWhileASlowViewerReadsItIsFreedAfterTheViewerIsDone() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Room for two entries.
    CacheNode node = edge("edge-evicting", 2L * HUGE + HUGE / 2, registry);
    try {
      String path = "/big/huge-evicted";
      try (Socket socket = plain(node.port())) {
        exchange(socket, get(path));
      }
      StoredBody first = stored(node, path);
      awaitRefCnt(first, 1, "stored");
      try (SlowViewer viewer = new SlowViewer(node.port(), get(path))) {
        assertEquals(2, first.refCnt(), "the slow viewer's write is in flight");
        // Newer objects, asked for repeatedly, until the store evicts the first one.
        for (int i = 0; i < 40 && first.refCnt() == 2; i++) {
          try (Socket socket = plain(node.port())) {
            String other = "/big/huge-other-" + (i % 4);
            assertEquals(body(other, 1), exchange(socket, get(other)).body());
          }
          node.store().cleanUp();
        }
        assertEquals(1, first.refCnt(), "evicted: the store let go; the slow write still reads it");
        assertTrue(node.store().evictionCount() > 0);
        assertEquals(node.store().directBytes(), directGauge(registry, "edge-evicting"));
        assertEquals(body(path, 1), viewer.readRest(HUGE));
        awaitRefCnt(first, 0, "the viewer read it all");
      }
    } finally {
      Sync.await(node.close());
    }
  }

  @Test
  void closingANodeFreesEveryStoredBodyOnceItsWritesAreDone() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CacheNode node = edge("edge-closing", 4L * HUGE, registry);
    List<StoredBody> bodies = new ArrayList<>();
    SlowViewer viewer;
    try (Socket socket = plain(node.port())) {
      for (String path : List.of("/big/huge-c1", "/big/c2", "/big/c3")) {
        exchange(socket, get(path));
        bodies.add(stored(node, path));
      }
      viewer = new SlowViewer(node.port(), get("/big/huge-c1"));
    }
    try {
      assertEquals(2, bodies.get(0).refCnt());
      assertEquals(HUGE + 2L * MIB, node.store().directBytes());
      Sync.await(node.close());
      assertEquals(0, node.store().directBytes());
      assertEquals(0, directGauge(registry, "edge-closing"));
      assertEquals(0, bodies.get(1).refCnt());
      assertEquals(0, bodies.get(2).refCnt());
      // The write in flight holds its own reference: the viewer still gets every byte.
      assertEquals(1, bodies.get(0).refCnt());
      assertEquals(body("/big/huge-c1", 1), viewer.readRest(HUGE));
      awaitRefCnt(bodies.get(0), 0, "the last write done");
    } finally {
      viewer.close();
    }
  }

  @Test
  void flashCrowdWaitersAreWrittenTheStoredBodyAndGiveItBack() throws Exception {
    String path = "/slow/crowd";
    int crowd = 24;
    ExecutorService pool = Executors.newFixedThreadPool(crowd);
    try {
      List<Future<String>> answers = new ArrayList<>();
      CompletableFuture<Void> go = new CompletableFuture<>();
      for (int i = 0; i < crowd; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.join();
                  try (Socket socket = plain(tiers.edge.port())) {
                    return exchange(socket, get(path, "X-Test: " + Thread.currentThread().getId()))
                        .body();
                  }
                }));
      }
      go.complete(null);
      for (Future<String> answer : answers) {
        assertEquals(body(path, 1), answer.get(20, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, origin.hits(path), "one origin request for the crowd");
    awaitRefCnt(stored(tiers.edge, path), 1, "every waiter's write done, the fill let go");
    awaitRefCnt(stored(tiers.regionals.get(0), path), 1, "the regional's waiter (the edge) done");
  }

  @Test
  void aFillWhoseStoreRefusesTheBodyFreesItOnceItsReadersAreDone() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CacheNode node = edge("edge-refusing", 16L * MIB, registry);
    try {
      node.store().close(); // refuses every object from now on
      long before = StoredBody.directBytes();
      try (Socket socket = plain(node.port())) {
        assertEquals(body("/big/refused", 1), exchange(socket, get("/big/refused")).body());
        assertEquals(body("/big/refused", 1), exchange(socket, get("/big/refused")).body());
      }
      assertEquals(0, node.store().entryCount());
      await(() -> StoredBody.directBytes() == before, "the refused bodies freed");
    } finally {
      Sync.await(node.close());
    }
  }
}
