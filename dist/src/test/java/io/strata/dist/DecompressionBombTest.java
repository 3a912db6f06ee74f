package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gzip bomb from the origin (256 MiB of zeros in about 256 KB) is carried as the bytes the origin
 * sent, to viewers that accept gzip and to viewers that do not: Strata never inflates origin
 * content, so the bomb costs what it weighs compressed.
 */
class DecompressionBombTest {
  private static final long INFLATED_BYTES = 256L << 20;
  private static byte[] bomb;
  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;
  private static TestClient viewer;

  @BeforeAll
  static void start() throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 1 << 16)) {
      byte[] zeros = new byte[1 << 20];
      for (long written = 0; written < INFLATED_BYTES; written += zeros.length) {
        gzip.write(zeros);
      }
    }
    bomb = compressed.toByteArray();
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req ->
                    // Sent whatever the request's Accept-Encoding said (identity): hostile.
                    req.response()
                        .putHeader("Content-Encoding", "gzip")
                        .putHeader("Content-Type", "text/plain")
                        .putHeader("Cache-Control", "max-age=600")
                        .end(Buffer.buffer(bomb)));
    tiers = new Tiers(vertx, origin.url(), 1);
    viewer = new TestClient(vertx, tiers.edge.port());
  }

  @AfterAll
  static void stop() {
    viewer.close();
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  @Test
  void gzipBombIsStoredAndServedCompressedToEveryViewer() {
    assertTrue(bomb.length < 2 << 20, "the bomb is small: " + bomb.length);
    Response plain = viewer.get("/text/bomb.txt");
    assertEquals(200, plain.status());
    assertEquals("gzip", plain.header("Content-Encoding"));
    assertArrayEquals(bomb, plain.body().getBytes());

    MultiMap gzip = MultiMap.caseInsensitiveMultiMap().add("Accept-Encoding", "gzip, br");
    Response accepting = viewer.request(HttpMethod.GET, "/bomb.bin", gzip, null);
    assertArrayEquals(bomb, accepting.body().getBytes());
    assertEquals("Hit from strata", viewer.get("/bomb.bin").header("X-Cache"));

    double stored = tiers.registry.find("strata.cache.size").tag("node", "edge-0").gauge().value();
    assertTrue(
        stored < 8L * bomb.length, "stored " + stored + " bytes, far below the inflated size");
  }
}
