package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ConnectionLimits;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A viewer that stops reading a large response is disconnected after the write-stall time, while
 * the fill it started completes, is stored, and serves other viewers.
 */
class SlowReaderTest {
  static final int BODY_BYTES = 12 << 20;
  static final long STALL_MILLIS = 500;

  @Test
  void viewerThatStopsReadingIsClosedAndTheFillCompletesForOthers() throws Exception {
    Vertx vertx = StrataVertx.create();
    Buffer big = Buffer.buffer(new byte[BODY_BYTES]);
    ScriptedOrigin origin =
        new ScriptedOrigin(vertx)
            .on(
                "/big",
                req -> req.response().putHeader("Cache-Control", "max-age=600").end(big.copy()));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CacheNode edge =
        ProtocolAttacksTest.startEdge(
            vertx,
            origin.url(),
            registry,
            ConnectionLimits.DEFAULT.withTimeouts(10_000, STALL_MILLIS));
    TestClient viewer = new TestClient(vertx, edge.port());
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", edge.port()), 2000);
      stalled.setSoTimeout(5000);
      stalled
          .getOutputStream()
          .write(
              "GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // While the stalled viewer reads nothing, another one gets the whole object.
      TestClient.Response full = viewer.get("/big");
      assertEquals(200, full.status());
      assertEquals(BODY_BYTES, full.body().length());

      long deadline = System.currentTimeMillis() + 10_000;
      while (ProtocolAttacksTest.rejections(registry, "write_stall") < 1
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, ProtocolAttacksTest.rejections(registry, "write_stall"));
      long read = 0;
      InputStream in = stalled.getInputStream();
      byte[] chunk = new byte[65536];
      try {
        for (int n; (n = in.read(chunk)) != -1; ) {
          read += n;
        }
      } catch (SocketException reset) {
        // closed by the edge
      }
      assertTrue(read < BODY_BYTES, "the stalled viewer was cut off after " + read + " bytes");
    } finally {
      TestClient.Response again = viewer.get("/big");
      assertEquals("Hit from strata", again.header("X-Cache"), "the object was stored");
      assertEquals(BODY_BYTES, again.body().length());
      assertEquals(1, origin.hits("/big"), "one fill served everyone");
      viewer.close();
      Sync.await(edge.close());
      origin.close();
      Sync.await(vertx.close());
    }
  }
}
