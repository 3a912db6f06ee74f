package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.Sync;
import io.strata.core.time.ManualClock;
import io.strata.edge.EdgeNode;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Response splitting: line breaks in header values from an origin, from the configuration or from
 * the viewer's own request never end a header line in what the edge sends.
 */
class ResponseSplittingTest {
  private static Vertx vertx;
  private static ServerSocket rawOrigin;
  private static final AtomicInteger originRequests = new AtomicInteger();
  private static CacheNode edge;

  /** An origin that answers every request with a header value carrying a bare CR and an LF. */
  private static void serve() {
    while (!rawOrigin.isClosed()) {
      try (Socket socket = rawOrigin.accept()) {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b == -1) {
            break;
          }
          head.append((char) b);
        }
        originRequests.incrementAndGet();
        String path = head.toString().split(" ")[1];
        String evil =
            path.contains("bare-cr")
                ? "X-Evil: a\rSet-Cookie: split=cr\r\n"
                : "X-Evil: a\r\n Set-Cookie: split=fold\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nCache-Control: max-age=60\r\n"
                    + evil
                    + "Connection: close\r\n\r\nok")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException closed) {
        // next connection, or the test is over
      }
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = StrataVertx.create();
    rawOrigin = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread thread = new Thread(ResponseSplittingTest::serve, "raw-origin");
    thread.setDaemon(true);
    thread.start();
    String origin = "http://127.0.0.1:" + rawOrigin.getLocalPort();
    String yaml =
        String.join(
            "\n",
            "distributions:",
            "  - id: site",
            "    aliases: [127.0.0.1]",
            "    origins: [{ id: web, url: \"" + origin + "\" }]",
            "    defaultBehavior: { origin: web }",
            "  - id: secure",
            "    aliases: [secure.test]",
            "    viewerProtocolPolicy: redirect-to-https",
            "    origins: [{ id: web, url: \"" + origin + "\" }]",
            "    defaultBehavior: { origin: web }",
            "");
    edge =
        Sync.await(
            EdgeNode.start(
                vertx,
                "edge-s",
                new ListenOptions("127.0.0.1", 0, 1),
                8L << 20,
                1L << 20,
                List.of(),
                new Router(ConfigLoader.parse(yaml, "split.yaml")),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new ManualClock(System.currentTimeMillis()),
                EdgeOptions.DEFAULT));
  }

  @AfterAll
  static void stop() throws IOException {
    Sync.await(edge.close());
    rawOrigin.close();
    Sync.await(vertx.close());
  }

  /** The response head the viewer receives, lines split only at CRLF. */
  private static String head(String request) throws IOException {
    try (RawViewer viewer = new RawViewer(edge.port())) {
      String response = viewer.send(request).readToEnd();
      return response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
    }
  }

  private static void assertNoSplit(String head) {
    for (String line : head.split("\r\n", -1)) {
      assertFalse(line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0, "bare CR or LF: " + head);
      assertFalse(
          line.toLowerCase(Locale.ROOT).startsWith("set-cookie:"), "a split header: " + head);
    }
  }

  @Test
  void bareCrInAnOriginHeaderNeverSplitsTheViewersResponse() throws Exception {
    String head = head("GET /bare-cr HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertNoSplit(head);
  }

  @Test
  void foldedOriginHeaderNeverSplitsTheViewersResponse() throws Exception {
    String head = head("GET /folded HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertNoSplit(head);
  }

  @Test
  void encodedLineBreaksInTheUrlAreRefusedBeforeAnyRedirectEchoesThem() throws Exception {
    // The path normaliser refuses encoded control characters (400) before the protocol policy
    // would build a Location from the URL.
    String head =
        head(
            "GET /a%0d%0aSet-Cookie:%20x=1 HTTP/1.1\r\nHost: secure.test\r\n"
                + "Connection: close\r\n\r\n");
    assertTrue(head.startsWith("HTTP/1.1 400"), head);
    assertFalse(head.toLowerCase(Locale.ROOT).contains("location:"), head);
    assertNoSplit(head);
  }

  @Test
  void configuredHeaderValuesWithLineBreaksAreRefusedAtLoad() {
    for (String field :
        List.of(
            "customHeaders: [{ header: X-A, value: \"a\\r\\nSet-Cookie: x=1\", override: true }]",
            "securityHeaders: { contentSecurityPolicy: \"a\\r\\nSet-Cookie: x=1\" }",
            "securityHeaders: { strictTransportSecurity: \"max-age=1\\nSet-Cookie: x=1\" }")) {
      String yaml =
          String.join(
              "\n",
              "responseHeadersPolicies:",
              "  - id: p",
              "    " + field,
              "distributions:",
              "  - id: site",
              "    aliases: [a.test]",
              "    origins: [{ id: web, url: \"http://127.0.0.1:1\" }]",
              "    defaultBehavior: { origin: web, responseHeadersPolicy: p }",
              "");
      RuntimeException refused =
          assertThrows(RuntimeException.class, () -> ConfigLoader.parse(yaml, "split.yaml"), field);
      assertTrue(refused.getMessage().contains("without line breaks"), refused.getMessage());
    }
  }
}
