package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.HttpListener;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example origin's {@code /gen} content, which the load tests and benchmarks request. */
class GeneratedContentTest {
  private Vertx vertx;
  private HttpListener origin;
  private TestClient client;

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    origin =
        Sync.await(
            ExampleOrigin.start(
                vertx, new ListenOptions("127.0.0.1", 0, 1), Path.of("../examples/site")));
    client = new TestClient(vertx, origin.port());
  }

  @AfterEach
  void stop() {
    client.close();
    Sync.await(vertx.close());
  }

  @Test
  void generatedObjectHasExactSizeAndIsCacheable() {
    TestClient.Response r = client.get("/gen/16k/a");
    assertEquals(200, r.status());
    assertEquals(16384, r.body().length());
    assertEquals("public, max-age=3600", r.header("Cache-Control"));
    assertEquals(1 << 20, client.get("/gen/1m/a").body().length());
    assertEquals(1000, client.get("/gen/1000/a").body().length());
  }

  @Test
  void sameNameAndSizeGiveSameBytesOtherNamesDiffer() {
    String a = client.get("/gen/100/a").text();
    assertEquals(a, client.get("/gen/100/a").text());
    assertNotEquals(a, client.get("/gen/100/b").text());
  }

  @Test
  void delayedFormAnswersAfterTheDelay() {
    long start = System.nanoTime();
    TestClient.Response r = client.get("/gen/10/200ms/slow");
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(10, r.body().length());
    assertTrue(tookMillis >= 190, "answered after " + tookMillis + " ms");
  }

  @Test
  void malformedOrOversizedRequestsAreRefusedWithoutCaching() {
    for (String bad :
        new String[] {
          "/gen/", "/gen/abc/x", "/gen/65m/x", "/gen/1k/", "/gen/1k/20s/x", "/gen/1k/99999ms/x"
        }) {
      TestClient.Response r = client.get(bad);
      assertEquals(400, r.status(), bad);
      assertEquals("no-store", r.header("Cache-Control"), bad);
    }
  }
}
