package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.config.StrataConfig;
import io.strata.core.control.NodeAgent;
import io.strata.core.proxy.TierSettings;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.time.Clock;
import io.strata.core.upstream.OriginUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration a node's own validation refuses (as one from a newer control plane, or a damaged
 * store, would be) is rejected there: the node keeps serving the version it has, the rejection is
 * visible in the admin API's node listing and status, and the next good version is applied.
 */
class NodeConfigRejectionTest {
  private static final String TOKEN = "rejection-admin-token-0123456789";

  @TempDir Path dir;

  private static JsonObject document(String originUrl, Object connectTimeoutMs) {
    return new JsonObject()
        .put(
            "distributions",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("id", "site")
                        .put("aliases", new JsonArray().add("127.0.0.1"))
                        .put(
                            "origins",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("id", "web")
                                        .put("url", originUrl)
                                        .put("connectTimeoutMs", connectTimeoutMs)))
                        .put("defaultBehavior", new JsonObject().put("origin", "web"))));
  }

  @Test
  void aPushThatFailsNodeValidationIsRejectedReportedAndTheOldConfigKeepsServing()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    ScriptedOrigin origin =
        new ScriptedOrigin(vertx)
            .on("/", req -> req.response().putHeader("Cache-Control", "no-store").end("v1"));
    ControlPlane cp =
        Sync.await(
            ControlPlane.start(vertx, TestStores.h2(dir.resolve("cp")).withAdminToken(TOKEN)));
    CacheNode node =
        Sync.await(
            CacheNode.start(
                vertx,
                new TierSettings("regional", "regional-r", 1 << 20),
                new ListenOptions("127.0.0.1", 0, 1),
                4 << 20,
                new Router(new StrataConfig(List.of())),
                new OriginUpstream(vertx.createHttpClient()),
                new SimpleMeterRegistry(),
                Clock.SYSTEM));
    NodeAgent agent = null;
    try (TestClient viewer = new TestClient(vertx, node.port())) {
      Sync.await(cp.importDocument(document(origin.url(), 1000), "test"));
      long good = cp.configVersion();
      agent =
          Sync.await(
              NodeAgent.start(
                  vertx,
                  new NodeAgent.Settings(
                      URI.create("http://127.0.0.1:" + cp.port()),
                      TOKEN,
                      "regional-r",
                      "regional",
                      "http://127.0.0.1:" + node.port(),
                      "test",
                      dir.resolve("nodes/regional-r.json"),
                      100,
                      50,
                      null),
                  node,
                  new SimpleMeterRegistry()));
      NodeAgent a = agent;
      waitFor(() -> a.appliedVersion() == good, "the first version applied");
      assertEquals("v1", viewer.get("/page").text());

      // A control plane publishes what this node's validation refuses.
      cp.publish(good + 1, document(origin.url(), 0));
      waitFor(() -> a.rejectedVersion() == good + 1, "the bad version refused");
      assertEquals(good, agent.appliedVersion(), "still on the old version");
      TestClient.Response served = viewer.get("/page");
      assertEquals(200, served.status());
      assertEquals("v1", served.text());

      JsonObject listed = nodeListing(cp, "regional-r");
      waitFor(
          () -> "Rejected".equals(nodeListing(cp, "regional-r").getString("configState")),
          "the rejection reported to the control plane");
      listed = nodeListing(cp, "regional-r");
      assertEquals(good + 1, listed.getLong("rejectedVersion"));
      assertEquals(good, listed.getLong("appliedVersion"));
      assertTrue(
          listed
              .getString("rejection")
              .contains("distributions[0].origins[0].connectTimeoutMs: 0 (expected: 1..60000)"),
          listed.encode());
      assertEquals(1, adminGet(cp, "/v1/status").getInteger("nodesRejectingConfig"));

      // The next good version is applied, and the node is in step again.
      cp.publish(good + 2, document(origin.url(), 1500));
      waitFor(() -> a.appliedVersion() == good + 2, "the next good version applied");
      waitFor(
          () -> "Applied".equals(nodeListing(cp, "regional-r").getString("configState")),
          "the node reported in step");
      assertEquals(0, adminGet(cp, "/v1/status").getInteger("nodesRejectingConfig"));
    } finally {
      if (agent != null) {
        Sync.await(agent.stop());
      }
      Sync.await(node.close());
      Sync.await(cp.close());
      origin.close();
      Sync.await(vertx.close());
    }
  }

  private static JsonObject nodeListing(ControlPlane cp, String id) {
    for (Object o : adminGet(cp, "/v1/nodes").getJsonArray("items")) {
      JsonObject node = (JsonObject) o;
      if (id.equals(node.getString("id"))) {
        return node;
      }
    }
    throw new AssertionError("node " + id + " not listed");
  }

  private static JsonObject adminGet(ControlPlane cp, String path) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.port() + path))
                      .header("Authorization", "Bearer " + TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return new JsonObject(r.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
