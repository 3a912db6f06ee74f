package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ConnectionLimits;
import io.strata.core.server.StrataVertx;
import io.strata.core.server.netty.StrataTransport;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

/** The guard on the native transport production uses (epoll), not only on NIO. */
class EpollTransportTest {
  @Test
  void guardWorksOnTheEpollTransport() throws Exception {
    assumeTrue(Transport.EPOLL.available(), "epoll is Linux-only");
    Vertx vertx = StrataVertx.create(new VertxOptions().setPreferNativeTransport(true));
    ScriptedOrigin origin = new ScriptedOrigin(vertx).on("/", r -> r.response().end("ok"));
    CacheNode edge =
        ProtocolAttacksTest.startEdge(
            vertx,
            origin.url(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            ConnectionLimits.DEFAULT.withTimeouts(300, 30_000));
    try {
      assertEquals("epoll", StrataTransport.of(vertx).name());
      try (RawViewer viewer = new RawViewer(edge.port())) {
        viewer.send("GET /pass/e HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(viewer.readResponse().startsWith("HTTP/1.1 200 OK"));
      }
      try (RawViewer viewer = new RawViewer(edge.port())) {
        String answer =
            viewer
                .send(
                    "POST /pass/s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                .readToEnd();
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request"), answer);
      }
      try (RawViewer silent = new RawViewer(edge.port())) {
        assertTrue(silent.readToEnd().startsWith("HTTP/1.1 408 Request Timeout"));
      }
      assertEquals(0, origin.hits("/pass/s"));
    } finally {
      Sync.await(edge.close());
      origin.close();
      Sync.await(vertx.close());
    }
  }
}
