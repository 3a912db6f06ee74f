package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.proxy.RequestIds;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hit's per-tier headers are rendered once per object and second (see {@code HitHeaders}): they
 * must still read exactly as if rendered on every hit — {@code Age} and the {@code ttl} of {@code
 * Cache-Status} following the clock, {@code Via} and {@code Cache-Status} carrying the tiers behind
 * once, and a fresh request id each time.
 */
class HitHeadersTest {
  private Vertx vertx;
  private ScriptedOrigin origin;
  private Tiers tiers;
  private TestClient viewer;

  @BeforeEach
  void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/obj/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=60")
                        .putHeader("Content-Type", "text/plain")
                        .putHeader("X-Tag", "one")
                        .end("object " + req.path()));
    tiers = new Tiers(vertx, origin.url(), 1);
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
  void hitHeadersFollowTheClockBetweenAndWithinSeconds() {
    viewer.get("/obj/a");
    Response first = viewer.get("/obj/a");
    Response same = viewer.get("/obj/a");
    tiers.clock.advance(Duration.ofMillis(2_500));
    Response later = viewer.get("/obj/a");

    assertEquals("Hit from strata", first.header("X-Cache"));
    assertEquals("0", first.header("Age"));
    assertEquals("0", same.header("Age"));
    assertEquals("2", later.header("Age"));
    assertEquals("1.1 regional-0 (strata), 1.1 edge-0 (strata)", first.header("Via"));
    assertEquals(first.header("Via"), later.header("Via"));
    String status = later.header("Cache-Status");
    assertTrue(status.endsWith(", edge-0; hit; ttl=57"), status);
    assertTrue(status.startsWith("regional-0; fwd=uri-miss"), status);
    assertEquals(1, status.split("edge-0").length - 1, "this tier's member once: " + status);
    assertEquals("text/plain", later.header("Content-Type"));
    assertEquals("one", later.header("X-Tag"));
    assertEquals(1, origin.hits("/obj/a"));
  }

  @Test
  void everyHitGetsItsOwnWellFormedRequestId() {
    viewer.get("/obj/b");
    String a = viewer.get("/obj/b").header("X-Strata-Request-Id");
    String b = viewer.get("/obj/b").header("X-Strata-Request-Id");

    assertTrue(RequestIds.isWellFormed(a), a);
    assertTrue(RequestIds.isWellFormed(b), b);
    assertNotEquals(a, b);
  }

  @Test
  void collapsedReadersShareTheRenderedHeadButTheStarterKeepsItsOwn() {
    int viewers = 6;
    // The origin answers once every other viewer has joined the first one's fill.
    origin.on(
        "/crowd/",
        req ->
            vertx.setPeriodic(
                5,
                id -> {
                  double joined =
                      tiers
                          .registry
                          .get("strata.cache.collapsed")
                          .tag("role", "edge")
                          .counter()
                          .count();
                  if (joined >= viewers - 1) {
                    vertx.cancelTimer(id);
                    req.response().putHeader("Cache-Control", "max-age=60").end("crowd body");
                  }
                }));
    List<Future<Response>> responses = new ArrayList<>();
    for (int i = 0; i < viewers; i++) {
      responses.add(
          viewer.send(HttpMethod.GET, "/crowd/x", MultiMap.caseInsensitiveMultiMap(), null));
    }
    int misses = 0;
    for (Future<Response> f : responses) {
      Response r = Sync.await(f);
      assertEquals("crowd body", r.text());
      String status = r.header("Cache-Status");
      assertTrue(
          status.endsWith(
              "edge-0; fwd=uri-miss; fwd-status=200; stored"
                  + (r.header("X-Cache").startsWith("Miss") ? "" : "; collapsed")
                  + "; ttl=60"),
          status);
      assertEquals("1.1 regional-0 (strata), 1.1 edge-0 (strata)", r.header("Via"));
      assertEquals("0", r.header("Age"));
      if (r.header("X-Cache").equals("Miss from strata")) {
        misses++;
      } else {
        assertEquals("Hit from strata", r.header("X-Cache"));
      }
    }
    assertEquals(1, misses, "one viewer started the fill, the others joined it");
    assertEquals(1, origin.hits("/crowd/x"));
  }
}
