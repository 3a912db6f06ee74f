package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.strata.core.time.ManualClock;
import io.strata.core.viewer.CountryLookup;
import io.strata.edge.EdgeNode;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IP lists, rate limiting, request limits and the connection cap at a real edge. */
class RestrictionsTest {
  private static final java.util.concurrent.atomic.AtomicInteger completeUploads =
      new java.util.concurrent.atomic.AtomicInteger();
  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static ManualClock clock;
  private static PrometheusMeterRegistry registry;
  private static CacheNode edge;
  private static TestClient viewer;

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on("/", req -> req.body().onSuccess(b -> req.response().end("ok " + req.path())))
            .on(
                "/chunked-upload",
                req ->
                    req.body()
                        .onSuccess(
                            b -> {
                              completeUploads.incrementAndGet();
                              req.response().end("got " + b.length());
                            }));
    clock = new ManualClock(System.currentTimeMillis());
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Router router = new Router(ConfigLoader.parse(config(origin.url()), "restrictions.yaml"));
    edge =
        Sync.await(
            EdgeNode.start(
                vertx,
                "edge-r",
                new ListenOptions("127.0.0.1", 0, 1),
                8L << 20,
                1L << 20,
                List.of(),
                router,
                registry,
                clock,
                EdgeOptions.DEFAULT));
    viewer = new TestClient(vertx, edge.port());
  }

  @AfterAll
  static void stop() {
    viewer.close();
    Sync.await(edge.close());
    origin.close();
    Sync.await(vertx.close());
  }

  static String config(String originUrl) {
    String origins = "    origins: [{ id: web, url: \"" + originUrl + "\" }]";
    String behavior =
        "    defaultBehavior: { origin: web, cachePolicy: { maxTtl: 0, defaultTtl: 0 } }";
    return String.join(
        "\n",
        "distributions:",
        "  - id: denied",
        "    aliases: [deny.test]",
        origins,
        behavior,
        "    restrictions: { ipDeny: [127.0.0.0/8, \"::1/128\"] }",
        "  - id: others",
        "    aliases: [others.test]",
        origins,
        behavior,
        "    restrictions: { ipAllow: [10.0.0.0/8, \"2001:db8::/32\"] }",
        "  - id: mine",
        "    aliases: [mine.test]",
        origins,
        behavior,
        "    restrictions: { ipAllow: [127.0.0.1/32], ipDeny: [192.0.2.0/24] }",
        "  - id: rated",
        "    aliases: [rate.test]",
        origins,
        behavior,
        "    rateLimit: { requestsPerSecond: 2, burst: 3 }",
        "  - id: limited",
        "    aliases: [limits.test]",
        origins,
        behavior,
        "    requestLimits: { maxUrlLength: 64, maxBodyBytes: 10 }",
        "");
  }

  private static Response get(String host, String path) {
    return viewer.request(
        HttpMethod.GET, path, MultiMap.caseInsensitiveMultiMap().add("Host", host), null);
  }

  private static double rejections(String reason) {
    Counter counter = registry.find("strata.viewer.rejections").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void ipDenyListRefusesTheViewer() {
    Response response = get("deny.test", "/a");
    assertEquals(403, response.status());
    assertEquals("Error from strata", response.header("X-Cache"));
    assertEquals(0, origin.hits("/a"));
    assertTrue(rejections("ip_restricted") >= 1);
  }

  @Test
  void ipAllowListServesOnlyItsBlocks() {
    assertEquals(403, get("others.test", "/b").status());
    assertEquals(0, origin.hits("/b"));
    Response mine = get("mine.test", "/c");
    assertEquals(200, mine.status());
    assertEquals("ok /c", mine.text());
  }

  @Test
  void rateLimitAnswers429AfterTheBurstAndRefillsWithTime() {
    for (int i = 0; i < 3; i++) {
      assertEquals(200, get("rate.test", "/r").status());
    }
    Response limited = get("rate.test", "/r");
    assertEquals(429, limited.status());
    assertEquals("1", limited.header("Retry-After"));
    assertEquals(3, origin.hits("/r"));
    clock.advance(Duration.ofMillis(1000));
    assertEquals(200, get("rate.test", "/r").status());
    assertEquals(200, get("rate.test", "/r").status());
    assertEquals(429, get("rate.test", "/r").status());
    assertTrue(rejections("rate_limited") >= 2);
    // Other distributions keep their own buckets.
    assertEquals(200, get("mine.test", "/r2").status());
  }

  @Test
  void overLongRequestLineIs414AndOversizedHeadersAre431() {
    Response line = get("mine.test", "/" + "x".repeat(9000));
    assertEquals(414, line.status());
    MultiMap big =
        MultiMap.caseInsensitiveMultiMap()
            .add("Host", "mine.test")
            .add("X-Big", "y".repeat(21_000));
    Response headers = viewer.request(HttpMethod.GET, "/h", big, null);
    assertEquals(431, headers.status());
    assertEquals("close", headers.header("Connection"));
    assertEquals("Error from strata", headers.header("X-Cache"));
    assertEquals(0, origin.hits("/h"));
    assertTrue(rejections("request_line_too_long") >= 1);
    assertTrue(rejections("headers_too_large") >= 1);
  }

  @Test
  void distributionLimitsGive414And413() {
    assertEquals(414, get("limits.test", "/" + "u".repeat(70)).status());
    Response tooBig =
        viewer.request(
            HttpMethod.POST,
            "/upload",
            MultiMap.caseInsensitiveMultiMap().add("Host", "limits.test"),
            Buffer.buffer("01234567890"));
    assertEquals(413, tooBig.status());
    assertEquals(0, origin.hits("/upload"));
    Response small =
        viewer.request(
            HttpMethod.POST,
            "/upload",
            MultiMap.caseInsensitiveMultiMap().add("Host", "limits.test"),
            Buffer.buffer("0123456789"));
    assertEquals(200, small.status());
  }

  @Test
  void chunkedUploadIsCutWithA413OnceItPassesTheLimit() {
    io.vertx.core.Future<Integer> status =
        viewer.onContext(
            () ->
                viewer
                    .raw()
                    .request(
                        new io.vertx.core.http.RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setHost("127.0.0.1")
                            .setPort(viewer.port())
                            .setURI("/chunked-upload")
                            .putHeader("Host", "limits.test"))
                    .compose(
                        req -> {
                          req.setChunked(true);
                          req.write("01234");
                          req.write("56789");
                          req.end("0123456789");
                          return req.response().map(r -> r.statusCode());
                        }));
    assertEquals(413, io.strata.core.testing.Sync.await(status));
    assertEquals(0, completeUploads.get(), "no truncated body reached the origin as a whole one");
  }

  @Test
  void connectionsBeyondTheCapAreRefused() throws Exception {
    // An edge of its own, so closing connections here cannot race the other tests' client.
    CacheNode capped =
        Sync.await(
            EdgeNode.start(
                vertx,
                "edge-cap",
                new ListenOptions("127.0.0.1", 0, 1),
                8L << 20,
                1L << 20,
                List.of(),
                new Router(ConfigLoader.parse(config(origin.url()), "cap.yaml")),
                registry,
                clock,
                new EdgeOptions(null, 3, CountryLookup.NONE)));
    try {
      assertOverTheCapIsClosed(capped.port());
    } finally {
      Sync.await(capped.close());
    }
  }

  private static void assertOverTheCapIsClosed(int port) throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (Socket a = new Socket(loopback, port);
        Socket b = new Socket(loopback, port);
        Socket c = new Socket(loopback, port);
        Socket d = new Socket(loopback, port)) {
      int closedCount = 0;
      for (Socket socket : List.of(a, b, c, d)) {
        socket.setSoTimeout(2000);
        try {
          socket
              .getOutputStream()
              .write("GET /cap HTTP/1.1\r\nHost: mine.test\r\n\r\n".getBytes("US-ASCII"));
          // Refused at TCP accept: a 503 written at once, or a closed connection.
          byte[] head = socket.getInputStream().readNBytes(12);
          if (head.length < 12 || new String(head, "US-ASCII").equals("HTTP/1.1 503")) {
            closedCount++;
          }
        } catch (java.net.SocketException reset) {
          closedCount++;
        }
      }
      assertEquals(1, closedCount, "exactly the connection over the cap of 3 is refused");
      assertTrue(rejections("max_connections") >= 1);
    }
  }
}
