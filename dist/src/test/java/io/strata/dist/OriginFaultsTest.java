package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Origin faults not covered elsewhere: hanging before or after the response headers. */
class OriginFaultsTest {
  private Vertx vertx;
  private ScriptedOrigin origin;
  private Tiers tiers;
  private TestClient viewer;

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    origin = new ScriptedOrigin(vertx);
    String yaml = Tiers.config(origin.url()).replace("readTimeoutMs: 2000", "readTimeoutMs: 300");
    tiers = new Tiers(vertx, yaml, 1, null);
    viewer = new TestClient(vertx, tiers.edge.port());
  }

  @AfterEach
  void stop() {
    viewer.close();
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  @Test
  void originHangingBeforeTheHeadersGives504AndStoresNothing() {
    origin.on("/hang/", req -> {});
    long started = System.nanoTime();
    TestClient.Response r = viewer.get("/hang/x");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(504, r.status());
    assertEquals("Error from strata", r.header("X-Cache"));
    // The read timeout, retried once after a short backoff: well under the edge's own timeout.
    assertTrue(millis < 2_000, "answered in " + millis + " ms");
    assertEquals(2, origin.hits("/hang/x"));
    origin.on("/hang/", req -> req.response().putHeader("Cache-Control", "max-age=60").end("ok"));
    assertEquals("ok", viewer.get("/hang/x").text());
  }

  @Test
  void originHangingAfterTheHeadersCutsTheViewerAndStoresNothing() {
    origin.on(
        "/stall/",
        req ->
            req.response()
                .putHeader("Cache-Control", "max-age=60")
                .putHeader("Content-Length", "10000")
                .write(Buffer.buffer(new byte[1000])));
    boolean cut =
        viewer
            .send(HttpMethod.GET, "/stall/x", null, null)
            .toCompletionStage()
            .toCompletableFuture()
            .handle((r, e) -> e != null || r.body().length() < 10000)
            .join();
    assertTrue(cut, "the viewer never takes a partial body for a whole one");
    assertEquals(0, tiers.edge.store().entryCount());
    assertEquals(0, tiers.regionals.get(0).store().entryCount());
    origin.on(
        "/stall/", req -> req.response().putHeader("Cache-Control", "max-age=60").end("whole"));
    assertEquals("whole", viewer.get("/stall/x").text());
  }
}
