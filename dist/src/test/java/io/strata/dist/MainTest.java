package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.TestClient;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code strata} command as an operator runs it: every role in one JVM, real ports. */
class MainTest {
  @TempDir Path dir;

  @Test
  void upServesTheExampleSiteThroughBothTiersWithMetrics() throws IOException {
    int originPort = freePort();
    Path config = dir.resolve("site.yaml");
    Files.writeString(
        config,
        Files.readString(Path.of("../examples/site.yaml"))
            .replace("http://127.0.0.1:8000", "http://127.0.0.1:" + originPort));
    List<String> args =
        List.of(
            "up",
            "--config",
            config.toString(),
            "--site",
            "../examples/site",
            "--origin-port",
            String.valueOf(originPort),
            "--edge-port",
            "0",
            "--edge-tls-port",
            "0",
            "--regional-port",
            "0",
            "--admin-port",
            "0",
            "--control-plane-port",
            "0",
            "--functions-port",
            "0",
            "--data",
            dir.resolve("data").toString());
    Vertx client = StrataVertx.create();
    try (Main.Running running = Main.start(args, Map.of());
        TestClient viewer = new TestClient(client, running.started().ports().get("edge"));
        TestClient admin = new TestClient(client, running.started().ports().get("admin"))) {
      TestClient.Response first = viewer.get("/");
      TestClient.Response second = viewer.get("/");
      TestClient.Response css = viewer.get("/static/site.css");

      assertEquals(200, first.status());
      assertTrue(first.text().contains("Served through Strata"));
      assertEquals("Miss from strata", first.header("X-Cache"));
      assertEquals("Hit from strata", second.header("X-Cache"));
      assertEquals("1", second.header("X-Origin-Hits"));
      assertEquals(200, css.status());
      String metrics = admin.get("/metrics").text();
      assertTrue(
          metrics.contains("strata_cache_hits_total{node=\"edge-0\",role=\"edge\"} 1.0"), metrics);
      assertTrue(metrics.contains("jvm_memory_used_bytes"));
      var published =
          java.util.regex.Pattern.compile("(?m)^strata_control_config_version (\\S+)$")
              .matcher(metrics);
      assertTrue(published.find(), metrics);
      assertTrue(
          metrics.contains(
              "strata_node_config_version{node=\"edge-0\",role=\"edge\"} " + published.group(1)),
          metrics);
      assertEquals(
          "{\"status\":\"UP\",\"roles\":[\"edge\",\"regional\",\"origin\",\"control-plane\",\"functions\"]}",
          admin.get("/health").text());
      try (TestClient functions =
          new TestClient(client, running.started().ports().get("functions"))) {
        TestClient.Response list = functions.get("/2015-03-31/functions");
        assertEquals(200, list.status(), "the function runtime's Lambda API is up");
        assertEquals("{\"Functions\":[]}", list.text());
      }
      assertEquals(404, viewer.get("/metrics").status(), "metrics never on a viewer-facing port");

      // HTTPS with the self-signed development certificate, HTTP/2 by ALPN.
      io.vertx.core.http.HttpClient tls =
          client.createHttpClient(
              new io.vertx.core.http.HttpClientOptions()
                  .setSsl(true)
                  .setTrustAll(true)
                  .setUseAlpn(true)
                  .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2));
      io.vertx.core.http.HttpClientResponse secure =
          io.strata.core.testing.Sync.await(
              tls.request(
                      io.vertx.core.http.HttpMethod.GET,
                      running.started().ports().get("edge-tls"),
                      "localhost",
                      "/")
                  .compose(req -> req.send()));
      assertEquals(200, secure.statusCode());
      assertEquals(io.vertx.core.http.HttpVersion.HTTP_2, secure.version());
    } finally {
      client.close();
    }
  }

  @Test
  void edgeAndRegionalCommandsFollowAControlPlaneCommand() throws Exception {
    int originPort = freePort();
    Path config = dir.resolve("site.yaml");
    Files.writeString(
        config,
        Files.readString(Path.of("../examples/site.yaml"))
            .replace("http://127.0.0.1:8000", "http://127.0.0.1:" + originPort));
    Map<String, String> env = Map.of("STRATA_ADMIN_TOKEN", "main-test-admin-token");
    String data = dir.resolve("data").toString();
    Vertx client = StrataVertx.create();
    try (Main.Running origin =
            Main.start(
                List.of("origin", "--site", "../examples/site", "--port", "" + originPort), env);
        Main.Running cp =
            Main.start(
                List.of(
                    "control-plane",
                    "--port",
                    "0",
                    "--admin-port",
                    "0",
                    "--data",
                    data,
                    "--config",
                    config.toString()),
                env);
        Main.Running regional =
            Main.start(
                List.of(
                    "regional",
                    "--port",
                    "0",
                    "--admin-port",
                    "0",
                    "--data",
                    data,
                    "--control-plane",
                    "http://127.0.0.1:" + cp.started().ports().get("control-plane")),
                env);
        Main.Running edge =
            Main.start(
                List.of(
                    "edge",
                    "--port",
                    "0",
                    "--admin-port",
                    "0",
                    "--data",
                    data,
                    "--regionals",
                    "http://127.0.0.1:" + regional.started().ports().get("regional"),
                    "--control-plane",
                    "http://127.0.0.1:" + cp.started().ports().get("control-plane")),
                env);
        TestClient viewer = new TestClient(client, edge.started().ports().get("edge"))) {
      TestClient.Response first = null;
      for (int i = 0; i < 500; i++) {
        first = viewer.get("/");
        if (first.status() == 200) {
          break;
        }
        Thread.sleep(20);
      }
      assertEquals(200, first.status());
      assertTrue(first.text().contains("Served through Strata"));
      assertEquals("Hit from strata", viewer.get("/").header("X-Cache"));
      assertTrue(Files.isRegularFile(dir.resolve("data/nodes/edge-0.json")));
      try (TestClient metrics = new TestClient(client, cp.started().ports().get("admin"))) {
        assertTrue(
            metrics.get("/metrics").text().contains("strata_control_config_version "),
            "control plane meters");
      }
    } finally {
      client.close();
    }
  }

  @Test
  void portAlreadyInUseIsOneLineNamingTheFlagToChange() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Main.StartupException e =
          assertThrows(
              Main.StartupException.class,
              () ->
                  Main.start(
                      List.of(
                          "regional",
                          "--config",
                          "../examples/site.yaml",
                          "--port",
                          String.valueOf(port),
                          "--admin-port",
                          "0"),
                      Map.of()));
      assertEquals(
          "cannot start the regional cache: 127.0.0.1:"
              + port
              + " is already in use (choose another port with --port or STRATA_PORT)",
          e.getMessage());
    }
  }

  @Test
  void tlsPortInUseNamesTheTlsFlag() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Main.StartupException e =
          assertThrows(
              Main.StartupException.class,
              () ->
                  Main.start(
                      List.of(
                          "edge",
                          "--config",
                          "../examples/site.yaml",
                          "--port",
                          "0",
                          "--tls-port",
                          String.valueOf(port),
                          "--admin-port",
                          "0"),
                      Map.of()));
      assertEquals(
          "cannot start the edge: 127.0.0.1:"
              + port
              + " is already in use (choose another port with --tls-port or STRATA_TLS_PORT)",
          e.getMessage());
    }
  }

  @Test
  void portsComeFromEnvironmentVariablesWhenNoFlagIsGiven() throws IOException {
    int port = freePort();
    try (Main.Running running =
        Main.start(
            List.of("origin", "--site", "../examples/site"),
            Map.of("STRATA_PORT", String.valueOf(port)))) {
      assertEquals(port, running.started().ports().get("origin"));
    }
  }

  @Test
  void unknownFlagIsAUsageError() {
    Flags.UsageException e =
        assertThrows(
            Flags.UsageException.class,
            () -> Main.start(List.of("origin", "--prot", "80"), Map.of()));
    assertTrue(e.getMessage().startsWith("unknown flag --prot"), e.getMessage());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
