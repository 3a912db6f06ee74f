package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ConnectionLimits;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.server.TlsSettings;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.time.ManualClock;
import io.strata.core.viewer.CountryLookup;
import io.strata.edge.EdgeNode;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile HTTP/1.1 viewers against a real edge on loopback, on raw sockets: request smuggling
 * attempts, slowloris heads, connection floods, too many headers. Each refusal is asserted on the
 * wire (status, {@code Connection: close}, the connection closed) and at the origin (it saw
 * nothing).
 */
class ProtocolAttacksTest {
  static final long HEAD_TIMEOUT_MILLIS = 400;
  private static final AtomicInteger completeUploads = new AtomicInteger();
  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static PrometheusMeterRegistry registry;
  private static CacheNode edge;

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
                                    .end("ok " + req.path())))
            .on(
                "/pass/upload-",
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              completeUploads.incrementAndGet();
                              req.response().end("got " + body.length());
                            }));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ConnectionLimits limits = ConnectionLimits.DEFAULT.withTimeouts(HEAD_TIMEOUT_MILLIS, 30_000);
    edge = startEdge(vertx, origin.url(), registry, limits);
  }

  static CacheNode startEdge(
      Vertx vertx, String originUrl, PrometheusMeterRegistry registry, ConnectionLimits limits) {
    return startEdge(vertx, originUrl, registry, limits, null);
  }

  /** An edge straight to the origin, with an HTTPS listener when {@code tls} is given. */
  static CacheNode startEdge(
      Vertx vertx,
      String originUrl,
      PrometheusMeterRegistry registry,
      ConnectionLimits limits,
      TlsSettings tls) {
    String yaml =
        String.join(
            "\n",
            "distributions:",
            "  - id: site",
            "    aliases: [127.0.0.1, localhost]",
            "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
            "    defaultBehavior: { origin: web }",
            "    behaviors:",
            "      - pathPattern: /pass/*",
            "        origin: web",
            "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
            "");
    return Sync.await(
        EdgeNode.start(
            vertx,
            "edge-p",
            new ListenOptions("127.0.0.1", 0, 1),
            64L << 20,
            48L << 20,
            List.of(),
            new Router(ConfigLoader.parse(yaml, "attacks.yaml")),
            registry,
            new ManualClock(System.currentTimeMillis()),
            new EdgeOptions(tls, limits, CountryLookup.NONE)));
  }

  @AfterAll
  static void stop() {
    Sync.await(edge.close());
    origin.close();
    Sync.await(vertx.close());
  }

  static double rejections(PrometheusMeterRegistry registry, String reason) {
    Counter counter = registry.find("strata.viewer.rejections").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  static Stream<Arguments> smuggling() {
    String post = "POST /pass/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    return Stream.of(
        Arguments.of(
            "content_length_with_transfer_encoding",
            post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of(
            "content_length_with_transfer_encoding",
            post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"),
        Arguments.of(
            "duplicate_content_length", post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
        Arguments.of(
            "duplicate_content_length",
            post + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde"),
        Arguments.of("bad_content_length", post + "Content-Length: 3, 3\r\n\r\nabc"),
        Arguments.of("bad_content_length", post + "Content-Length: +3\r\n\r\nabc"),
        Arguments.of(
            "bad_transfer_encoding",
            post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
        Arguments.of(
            "bad_transfer_encoding", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        Arguments.of(
            "bad_transfer_encoding",
            post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of(
            "transfer_encoding_in_http10",
            "POST /pass/%s HTTP/1.0\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n"),
        Arguments.of(
            "obsolete_line_folding",
            "GET /pass/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\r\n b\r\n\r\n"),
        Arguments.of("bare_lf", "GET /pass/%s HTTP/1.1\nHost: 127.0.0.1\n\n"),
        Arguments.of("bare_lf", "GET /pass/%s HTTP/1.1\r\nHost: 127.0.0.1\nX-A: b\r\n\r\n"),
        Arguments.of("bare_cr", "GET /pass/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rb\r\n\r\n"),
        Arguments.of(
            "bad_header_value", "GET /pass/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\0b\r\n\r\n"),
        Arguments.of(
            "bad_header_name", "GET /pass/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nX\0A: b\r\n\r\n"),
        Arguments.of("space_before_colon", "GET /pass/%s HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n"),
        Arguments.of(
            "bad_chunk_size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
        Arguments.of(
            "bad_chunk_size",
            post + "Transfer-Encoding: chunked\r\n\r\n1000000000000000a\r\nabc\r\n0\r\n\r\n"),
        Arguments.of(
            "bad_chunk_data", post + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smuggling")
  void ambiguousFramingIsRefusedWith400AndNeverForwarded(String reason, String template)
      throws Exception {
    String path = reason + "-" + System.nanoTime();
    String request = template.formatted(path);
    double before = rejections(registry, reason);
    String answer;
    try (RawViewer viewer = new RawViewer(edge.port())) {
      // A well-formed request pipelined after the bad one must not be processed either.
      answer =
          viewer
              .send(request + "GET /pass/after-" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
              .readToEnd();
    }
    assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
    assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
    assertEquals(1, answer.split("HTTP/1.1 ").length - 1, "one answer only: " + answer);
    assertEquals(0, origin.hits("/pass/" + path), "the origin saw nothing");
    assertEquals(0, origin.hits("/pass/after-" + path), "nor the request pipelined after it");
    assertEquals(before + 1, rejections(registry, reason));
  }

  @Test
  void badChunkAfterTheHeadWasHandedOnClosesTheConnectionAndNoBodyCompletes() throws Exception {
    double before = rejections(registry, "chunk_extensions_too_long");
    String answer;
    try (RawViewer viewer = new RawViewer(edge.port())) {
      // Over 2 KB: Netty's first read ends inside the body, so the head has gone on already.
      answer =
          viewer
              .send(
                  "POST /pass/upload-ext HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Transfer-Encoding: chunked\r\n\r\n1;"
                      + "x".repeat(5000)
                      + "\r\na\r\n0\r\n\r\nGET /pass/after-ext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
              .readToEnd();
    }
    assertFalse(answer.contains("HTTP/1.1 200"), answer);
    assertEquals(before + 1, rejections(registry, "chunk_extensions_too_long"));
    assertEquals(0, completeUploads.get(), "no body reached the origin complete");
    assertEquals(0, origin.hits("/pass/after-ext"));
  }

  @Test
  void requestsBeforeARefusedOneOnTheConnectionAreAnsweredFirst() throws Exception {
    String answer;
    try (RawViewer viewer = new RawViewer(edge.port())) {
      answer =
          viewer
              .send(
                  "GET /pass/first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                      + "GET /pass/second HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
              .readToEnd();
    }
    assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
    int second = answer.indexOf("HTTP/1.1 400 Bad Request\r\n");
    assertTrue(second > answer.indexOf("ok /pass/first"), answer);
    assertEquals(1, origin.hits("/pass/first"));
    assertEquals(0, origin.hits("/pass/second"));
  }

  @Test
  void wellFormedChunkedUploadsAndKeepAlivePassThrough() throws Exception {
    try (RawViewer viewer = new RawViewer(edge.port())) {
      viewer.send(
          "POST /pass/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
              + "3;name=value\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n"
              + "GET /pass/next HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
      assertTrue(viewer.readResponse().contains("ok /pass/upload"));
      assertTrue(viewer.readResponse().contains("ok /pass/next"));
    }
  }

  @Test
  void moreThanMaxHeadersIs431AndAHundredAreFine() throws Exception {
    StringBuilder hundred = new StringBuilder("GET /pass/h100 HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 1; i < 100; i++) {
      hundred.append("X-H").append(i).append(": v\r\n");
    }
    try (RawViewer viewer = new RawViewer(edge.port())) {
      assertTrue(viewer.send(hundred + "\r\n").readResponse().startsWith("HTTP/1.1 200 OK"));
    }
    String tooMany = hundred.toString().replace("/h100", "/h101") + "X-H100: v\r\n\r\n";
    try (RawViewer viewer = new RawViewer(edge.port())) {
      String answer = viewer.send(tooMany).readToEnd();
      assertTrue(answer.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer);
    }
    assertEquals(0, origin.hits("/pass/h101"));
    assertTrue(rejections(registry, "too_many_headers") >= 1);
  }

  @Test
  void slowRequestHeadIsAnswered408AfterTheDeadline() throws Exception {
    double before = rejections(registry, "request_head_timeout");
    long start = System.nanoTime();
    String answer;
    try (RawViewer viewer = new RawViewer(edge.port())) {
      answer = viewer.send("GET /pass/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n").readToEnd();
    }
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
    assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
    assertTrue(tookMillis >= HEAD_TIMEOUT_MILLIS - 50, "took " + tookMillis + " ms");
    assertTrue(tookMillis < HEAD_TIMEOUT_MILLIS + 2_000, "took " + tookMillis + " ms");
    assertEquals(0, origin.hits("/pass/slow"));
    assertEquals(before + 1, rejections(registry, "request_head_timeout"));
  }

  @Test
  void aConnectionThatSendsNothingIsAnswered408() throws Exception {
    try (RawViewer viewer = new RawViewer(edge.port())) {
      assertTrue(viewer.readToEnd().startsWith("HTTP/1.1 408 Request Timeout\r\n"));
    }
  }

  @Test
  void trickledHeadOfAKeepAliveRequestTimesOutButAnIdleConnectionDoesNot() throws Exception {
    try (RawViewer viewer = new RawViewer(edge.port())) {
      viewer.send("GET /pass/k1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertTrue(viewer.readResponse().contains("ok /pass/k1"));
      // Idle between requests: only the idle timeout applies, not the head deadline.
      Thread.sleep(HEAD_TIMEOUT_MILLIS * 2);
      viewer.send("GET /pass/k2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertTrue(viewer.readResponse().contains("ok /pass/k2"));
      // A trickled head is timed from its first byte, whatever bytes keep coming.
      long start = System.nanoTime();
      viewer.send("GET /pass/k3 HTTP/1.1\r\n");
      for (int i = 0; i < 3; i++) {
        Thread.sleep(HEAD_TIMEOUT_MILLIS / 4);
        viewer.send("X-Drip-" + i + ": a\r\n");
      }
      String answer = viewer.readToEnd();
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
      assertTrue(tookMillis < HEAD_TIMEOUT_MILLIS + 2_000, "took " + tookMillis + " ms");
    }
    assertEquals(0, origin.hits("/pass/k3"));
  }

  @Test
  void connectionCapCountsFromTcpAcceptAndRefusesWith503() throws Exception {
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CacheNode capped =
        startEdge(
            vertx,
            origin.url(),
            own,
            ConnectionLimits.DEFAULT.withMaxConnections(3, 2).withTimeouts(10_000, 30_000));
    try (RawViewer a = new RawViewer(capped.port());
        RawViewer b = new RawViewer(capped.port())) {
      // Two silent connections from 127.0.0.1 fill its per-address cap before any byte is sent.
      try (RawViewer third = new RawViewer(capped.port())) {
        String refused = third.readToEnd();
        assertTrue(refused.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), refused);
        assertTrue(refused.contains("\r\nRetry-After: 1\r\n"), refused);
      }
      assertEquals(1, rejections(own, "max_connections_per_ip"));
      try (RawViewer other = new RawViewer("127.0.0.2", capped.port())) {
        // 127.0.0.2 took the third place of the node's cap of 3.
        try (RawViewer fourth = new RawViewer("127.0.0.3", capped.port())) {
          assertTrue(fourth.readToEnd().startsWith("HTTP/1.1 503"));
        }
        assertEquals(1, rejections(own, "max_connections"));
        assertEquals(
            3.0, own.find("strata.viewer.connections").gauge().value(), "counted from accept");
        other.send("GET /pass/capped HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(other.readResponse().contains("ok /pass/capped"));
      }
    }
    try {
      // Closed connections free their places.
      long deadline = System.currentTimeMillis() + 2_000;
      while (own.find("strata.viewer.connections").gauge().value() > 0
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      try (RawViewer again = new RawViewer(capped.port())) {
        again.send("GET /pass/again HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(again.readResponse().contains("ok /pass/again"));
      }
    } finally {
      Sync.await(capped.close());
    }
  }

  @Test
  void refusedRequestsNeverReachTheCacheEither() throws Exception {
    String answer;
    try (RawViewer viewer = new RawViewer(edge.port())) {
      answer =
          viewer
              .send(
                  "GET /cached HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                      + "Content-Length: 5\r\n\r\n0\r\n\r\n")
              .readToEnd();
    }
    assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
    assertEquals(0, origin.hits("/cached"));
    try (RawViewer viewer = new RawViewer(edge.port())) {
      String next = viewer.send("GET /cached HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
      assertTrue(next.contains("X-Cache: Miss from strata"), "nothing was stored: " + next);
    }
    assertEquals(1, origin.hits("/cached"));
  }
}
