package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.dist.cli.AdminClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane with two regional and two edge nodes on loopback, each in its own Vert.x:
 * changes reach every node within a second, invalidations reach both tiers of every node, nodes
 * survive the control plane's absence and their own restarts.
 */
class ControlPlaneFleetTest {
  @TempDir Path dir;
  private Vertx originVertx;
  private ScriptedOrigin origin;
  private Fleet fleet;

  @BeforeEach
  void start() {
    originVertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(originVertx)
            .on(
                "/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .putHeader(
                            "Cache-Tag", req.path().startsWith("/images/") ? "img, all" : "all")
                        .end("body of " + req.path()))
            .on(
                "/sitemap.xml",
                req ->
                    req.response()
                        .putHeader("Content-Type", "application/xml")
                        .end(
                            "<?xml version=\"1.0\"?><urlset>"
                                + "<url><loc>http://127.0.0.1/warm/1</loc></url>"
                                + "<url><loc> http://127.0.0.1/warm/2?x=1&amp;y=2 </loc></url>"
                                + "</urlset>"));
    fleet = new Fleet(dir, 2, 2);
  }

  @AfterEach
  void stop() {
    fleet.close();
    origin.close();
    Sync.await(originVertx.close());
  }

  private JsonObject distribution(String... aliases) {
    return new JsonObject()
        .put("id", "site")
        .put("aliases", new JsonArray(java.util.List.of((Object[]) aliases)))
        .put("cacheTagHeader", "Cache-Tag")
        .put(
            "origins",
            new JsonArray().add(new JsonObject().put("id", "web").put("url", origin.url())))
        .put("defaultBehavior", new JsonObject().put("origin", "web"));
  }

  private static TestClient.Response get(Fleet.Member edge, String host, String path) {
    TestClient client = new TestClient(edge.vertx(), edge.node().port());
    try {
      return client.request(
          HttpMethod.GET, path, MultiMap.caseInsensitiveMultiMap().add("Host", host), null);
    } finally {
      client.close();
    }
  }

  private long create(JsonObject distribution) {
    AdminClient.Reply created = fleet.api.post("/v1/distributions", distribution);
    assertEquals(201, created.status(), created.json().encode());
    return created.json().getLong("version");
  }

  @Test
  void appliedChangeIsServedByEveryNodeWithinOneSecond() throws Exception {
    for (Fleet.Member edge : fleet.edges) {
      assertEquals(421, get(edge, "127.0.0.1", "/").status());
    }
    long version = create(distribution("127.0.0.1"));
    long millis = fleet.awaitApplied(version, 1000);
    System.out.println("config version " + version + " reached 4 nodes in " + millis + " ms");
    for (Fleet.Member edge : fleet.edges) {
      TestClient.Response r = get(edge, "127.0.0.1", "/index.html");
      assertEquals(200, r.status());
      assertEquals("body of /index.html", r.text());
    }

    AdminClient.Reply read = fleet.api.get("/v1/distributions/site");
    AdminClient.Reply updated =
        fleet.api.put(
            "/v1/distributions/site", distribution("127.0.0.1", "www.example"), read.etag());
    assertEquals(200, updated.status(), updated.json().encode());
    long v2 = updated.json().getLong("version");
    assertTrue(fleet.awaitApplied(v2, 1000) < 1000);
    for (Fleet.Member edge : fleet.edges) {
      assertEquals(200, get(edge, "www.example", "/new").status());
    }
    awaitStatus("/v1/distributions/site", "status", "Deployed");
    JsonArray nodes = fleet.api.get("/v1/nodes").json().getJsonArray("items");
    assertEquals(4, nodes.size());
    for (Object n : nodes) {
      assertEquals(v2, ((JsonObject) n).getLong("appliedVersion"), n.toString());
      assertEquals("up", ((JsonObject) n).getString("state"));
    }
  }

  @Test
  void inFlightRequestFinishesOnTheSnapshotItStartedWith() throws Exception {
    ScriptedOrigin other =
        new ScriptedOrigin(originVertx).on("/", req -> req.response().end("other origin"));
    origin.on(
        "/slow", req -> originVertx.setTimer(400, t -> req.response().end("first origin, slowly")));
    try {
      fleet.awaitApplied(create(distribution("127.0.0.1")), 3000);
      Fleet.Member edge = fleet.edges.get(0);
      TestClient client = new TestClient(edge.vertx(), edge.node().port());
      try {
        var inFlight = client.send(HttpMethod.GET, "/slow", null, null);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (origin.hits("/slow") == 0 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        JsonObject moved = distribution("127.0.0.1");
        moved.getJsonArray("origins").getJsonObject(0).put("url", other.url());
        AdminClient.Reply updated =
            fleet.api.put(
                "/v1/distributions/site", moved, fleet.api.get("/v1/distributions/site").etag());
        fleet.awaitApplied(updated.json().getLong("version"), 3000);
        assertEquals("other origin", client.get("/fresh").text());
        assertEquals("first origin, slowly", Sync.await(inFlight).text());
      } finally {
        client.close();
      }
    } finally {
      other.close();
    }
  }

  @Test
  void invalidatingImagesMakesEveryNodeMissAtBothTiers() throws Exception {
    fleet.awaitApplied(create(distribution("127.0.0.1")), 3000);
    for (Fleet.Member edge : fleet.edges) {
      get(edge, "127.0.0.1", "/images/a.png");
      get(edge, "127.0.0.1", "/images/b.png");
      get(edge, "127.0.0.1", "/css/site.css");
      assertEquals("Hit from strata", get(edge, "127.0.0.1", "/images/a.png").header("X-Cache"));
    }
    int before = origin.hits("/images/a.png");
    assertTrue(before >= 1 && before <= 2, "each regional fetched at most once: " + before);

    AdminClient.Reply inv =
        fleet.api.post(
            "/v1/distributions/site/invalidations",
            new JsonObject().put("paths", new JsonArray().add("/images/*")));
    assertEquals(201, inv.status(), inv.json().encode());
    fleet.awaitApplied(inv.json().getLong("version"), 3000);
    awaitStatus(
        "/v1/distributions/site/invalidations/" + inv.json().getString("id"),
        "status",
        "Completed");

    int originBefore = origin.hits("/images/a.png");
    for (Fleet.Member edge : fleet.edges) {
      assertEquals("Miss from strata", get(edge, "127.0.0.1", "/images/a.png").header("X-Cache"));
      assertEquals("Hit from strata", get(edge, "127.0.0.1", "/css/site.css").header("X-Cache"));
    }
    // The regional tier missed too: the origin saw the object again.
    assertTrue(origin.hits("/images/a.png") > originBefore);
    assertEquals(1, origin.hits("/css/site.css"), "untouched objects stay cached");
  }

  @Test
  void invalidatingByCacheTagEvictsTaggedObjectsOnly() throws Exception {
    fleet.awaitApplied(create(distribution("127.0.0.1")), 3000);
    Fleet.Member edge = fleet.edges.get(0);
    get(edge, "127.0.0.1", "/images/a.png");
    get(edge, "127.0.0.1", "/css/site.css");
    AdminClient.Reply inv =
        fleet.api.post(
            "/v1/distributions/site/invalidations",
            new JsonObject().put("tags", new JsonArray().add("img")));
    assertEquals(201, inv.status(), inv.json().encode());
    fleet.awaitApplied(inv.json().getLong("version"), 3000);
    assertEquals("Miss from strata", get(edge, "127.0.0.1", "/images/a.png").header("X-Cache"));
    assertEquals("Hit from strata", get(edge, "127.0.0.1", "/css/site.css").header("X-Cache"));
  }

  @Test
  void prewarmJobFromASitemapFillsOnlyTheChosenEdge() throws Exception {
    fleet.awaitApplied(create(distribution("127.0.0.1")), 3000);
    AdminClient.Reply job =
        fleet.api.post(
            "/v1/prewarm-jobs",
            new JsonObject()
                .put("distributionId", "site")
                .put("sitemap", origin.url() + "/sitemap.xml")
                .put("edges", new JsonArray().add("edge-1"))
                .put("concurrency", 1));
    assertEquals(201, job.status(), job.json().encode());
    assertEquals(2, job.json().getInteger("total"));
    String path = "/v1/prewarm-jobs/" + job.json().getString("id");
    awaitStatus(path, "state", "Completed");
    JsonObject done = fleet.api.get(path).json();
    assertEquals(2, done.getInteger("done"));
    assertEquals(0, done.getInteger("failed"));
    JsonObject first = done.getJsonArray("results").getJsonObject(0);
    assertEquals("edge-1", first.getString("edge"));
    assertEquals(200, first.getInteger("status"));
    assertEquals("Miss from strata", first.getString("xCache"));

    assertEquals(
        "Hit from strata", get(fleet.edges.get(1), "127.0.0.1", "/warm/1").header("X-Cache"));
    assertEquals(
        "Hit from strata",
        get(fleet.edges.get(1), "127.0.0.1", "/warm/2?x=1&y=2").header("X-Cache"));
    // edge-0 was not chosen: it misses, but the regional tier was warmed by edge-1's fill.
    assertEquals(
        "Miss from strata", get(fleet.edges.get(0), "127.0.0.1", "/warm/1").header("X-Cache"));
    assertEquals(1, origin.hits("/warm/1"));

    AdminClient.Reply bad =
        fleet.api.post(
            "/v1/prewarm-jobs",
            new JsonObject()
                .put("distributionId", "site")
                .put("urls", new JsonArray().add("nope"))
                .put("edges", new JsonArray().add("regional-0")));
    assertEquals(400, bad.status());
    assertTrue(bad.json().encode().contains("urls[0]"), bad.json().encode());
  }

  @Test
  void softInvalidationSendsTheNextRequestUpstream() throws Exception {
    fleet.awaitApplied(create(distribution("127.0.0.1")), 3000);
    Fleet.Member edge = fleet.edges.get(0);
    get(edge, "127.0.0.1", "/doc");
    assertEquals("Hit from strata", get(edge, "127.0.0.1", "/doc").header("X-Cache"));
    AdminClient.Reply inv =
        fleet.api.post(
            "/v1/distributions/site/invalidations",
            new JsonObject().put("paths", new JsonArray().add("/doc")).put("soft", true));
    assertEquals(201, inv.status(), inv.json().encode());
    assertEquals(true, inv.json().getBoolean("soft"));
    fleet.awaitApplied(inv.json().getLong("version"), 3000);
    int before = origin.hits("/doc");
    assertEquals("Miss from strata", get(edge, "127.0.0.1", "/doc").header("X-Cache"));
    assertEquals(before + 1, origin.hits("/doc"));
  }

  @Test
  void nodesKeepServingWithoutTheControlPlaneAndCatchUpWhenItReturns() throws Exception {
    fleet.awaitApplied(create(distribution("127.0.0.1")), 3000);
    fleet.stopControlPlane();
    Thread.sleep(300);
    for (Fleet.Member edge : fleet.edges) {
      assertEquals(200, get(edge, "127.0.0.1", "/while-down").status());
      assertTrue(!edge.agent().connected());
    }
    fleet.startControlPlane(fleet.cpPort);
    AdminClient.Reply read = fleet.api.get("/v1/distributions/site");
    AdminClient.Reply updated =
        fleet.api.put(
            "/v1/distributions/site", distribution("127.0.0.1", "back.example"), read.etag());
    assertEquals(200, updated.status());
    fleet.awaitApplied(updated.json().getLong("version"), 3000);
    for (Fleet.Member edge : fleet.edges) {
      assertEquals(200, get(edge, "back.example", "/").status());
    }
  }

  @Test
  void restartedNodeServesItsPersistedSnapshotWhileTheControlPlaneIsDown() throws Exception {
    long version = create(distribution("127.0.0.1"));
    fleet.awaitApplied(version, 3000);
    Fleet.Member old = fleet.edges.get(0);
    int port = old.node().port();
    Fleet.stop(old);
    fleet.stopControlPlane();

    Fleet.Member restarted = fleet.startEdge(old.id(), port);
    fleet.edges.set(0, restarted);
    assertEquals(version, restarted.agent().appliedVersion());
    assertEquals(200, get(restarted, "127.0.0.1", "/after-restart").status());
  }

  private void awaitStatus(String path, String field, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + 3_000_000_000L;
    String last = null;
    while (System.nanoTime() < deadline) {
      last = fleet.api.get(path).json().getString(field);
      if (expected.equals(last)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(path + " " + field + " stayed " + last + ", expected " + expected);
  }
}
