package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            "--regional-port",
            "0",
            "--admin-port",
            "0",
            "--functions-port",
            "0",
            "--functions-dir",
            dir.resolve("functions").toString());
    Vertx client = Vertx.vertx();
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
      assertEquals(
          "{\"status\":\"UP\",\"roles\":[\"edge\",\"regional\",\"origin\",\"functions\"]}",
          admin.get("/health").text());
      assertEquals(404, viewer.get("/metrics").status(), "metrics never on a viewer-facing port");
      try (TestClient functions =
          new TestClient(client, running.started().ports().get("functions"))) {
        TestClient.Response list = functions.get("/2015-03-31/functions");
        assertEquals(200, list.status(), "the function runtime's Lambda API is up");
        assertEquals("{\"Functions\":[]}", list.text());
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
