package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.dist.cli.Cli;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator commands against a real control plane with a regional and an edge node. */
class CliTest {
  @TempDir Path dir;
  private Vertx originVertx;
  private ScriptedOrigin origin;
  private Fleet fleet;
  private String out;
  private String err;

  @BeforeEach
  void start() {
    originVertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(originVertx)
            .on(
                "/",
                req ->
                    req.response()
                        .setStatusCode(req.path().startsWith("/missing") ? 404 : 200)
                        .putHeader("Cache-Control", "max-age=600")
                        .end("body of " + req.path()));
    fleet = new Fleet(dir, 1, 1);
  }

  @AfterEach
  void stop() {
    fleet.close();
    origin.close();
    Sync.await(originVertx.close());
  }

  private int strata(String... args) {
    return strata(
        Map.of("STRATA_ENDPOINT", fleet.api.base().toString(), "STRATA_ADMIN_TOKEN", Fleet.TOKEN),
        args);
  }

  private int strata(Map<String, String> env, String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code =
        Cli.run(
            List.of(args),
            env,
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8));
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return code;
  }

  private Path site(String ttl, String alias) throws IOException {
    Path file = dir.resolve("site.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "cachePolicies:",
            "  - { id: short, minTtl: 0, defaultTtl: " + ttl + ", maxTtl: 3600 }",
            "distributions:",
            "  - id: site",
            "    aliases: [" + alias + "]",
            "    origins:",
            "      - { id: web, url: '" + origin.url() + "' }",
            "    defaultBehavior: { origin: web, cachePolicyId: short }",
            ""));
    return file;
  }

  @Test
  void applyCreatesThenReportsUnchangedThenUpdated() throws IOException {
    assertEquals(Cli.OK, strata("apply", "-f", site("60", "127.0.0.1").toString()), err);
    assertTrue(out.contains("created   cache-policies/short"), out);
    assertTrue(out.contains("created   distributions/site"), out);
    assertTrue(out.contains("2 changes applied"), out);

    assertEquals(Cli.OK, strata("apply", "-f", site("60", "127.0.0.1").toString()), err);
    assertTrue(out.contains("unchanged distributions/site"), out);
    assertTrue(out.contains("0 changes applied"), out);

    assertEquals(Cli.OK, strata("apply", "-f", site("120", "127.0.0.1").toString()), err);
    assertTrue(out.matches("(?s).*updated   cache-policies/short \"E\\d+\" -> \"E\\d+\".*"), out);
    assertTrue(out.contains("unchanged distributions/site"), out);
  }

  @Test
  void getListDeleteShowTheApiAndItsErrors() throws IOException {
    strata("apply", "-f", site("60", "127.0.0.1").toString());
    assertEquals(Cli.OK, strata("get", "distribution", "site"));
    assertTrue(out.contains("\"aliases\""), out);
    // Deployed once both nodes acknowledged the version; on a loaded machine that can take a
    // moment.
    long deadline = System.nanoTime() + 10_000_000_000L;
    do {
      assertEquals(Cli.OK, strata("list", "distributions"));
    } while (out.lines().noneMatch(l -> l.startsWith("site ") && l.contains("Deployed"))
        && System.nanoTime() < deadline);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("site ") && l.contains("Deployed")), out);

    assertEquals(Cli.REFUSED, strata("get", "distributions", "nope"));
    assertTrue(err.contains("NoSuchResource"), err);
    assertEquals(Cli.REFUSED, strata("delete", "cache-policies", "short"));
    assertTrue(err.contains("ResourceInUse") && err.contains("distributions/site"), err);
    assertEquals(Cli.OK, strata("delete", "distributions", "site"));
    assertEquals(Cli.OK, strata("delete", "cache-policies", "short"));
    assertEquals(Cli.USAGE, strata("get", "gizmos", "x"));
    assertTrue(err.contains("unknown kind 'gizmos'"), err);
  }

  @Test
  void exitCodesTellScriptsWhatWentWrong() {
    assertEquals(
        Cli.REFUSED, strata(Map.of("STRATA_ENDPOINT", fleet.api.base().toString()), "status"));
    assertTrue(err.contains("Unauthorized"), err);
    assertEquals(
        Cli.UNREACHABLE,
        strata(
            Map.of("STRATA_ENDPOINT", "http://127.0.0.1:1", "STRATA_ADMIN_TOKEN", "x"), "nodes"));
    assertTrue(err.contains("cannot reach the control plane"), err);
    assertEquals(Cli.USAGE, strata("apply"));
    assertEquals(Cli.OK, strata("status"));
    assertTrue(out.contains("nodes            2 up, 0 down"), out);
    assertEquals(Cli.OK, strata("nodes"));
    assertTrue(out.contains("edge-0") && out.contains("regional-0"), out);
  }

  @Test
  void invalidateWaitsUntilEveryNodeApplied() throws Exception {
    strata("apply", "-f", site("60", "127.0.0.1").toString());
    fleet.awaitApplied(fleet.cp.configVersion(), 3000);
    Fleet.Member edge = fleet.edges.get(0);
    TestClient client = new TestClient(edge.vertx(), edge.node().port());
    try {
      client.get("/images/a.png");
      assertEquals("Hit from strata", client.get("/images/a.png").header("X-Cache"));
      assertEquals(Cli.OK, strata("invalidate", "site", "/images/*"), err);
      assertTrue(out.contains("Completed: 2/2 nodes applied"), out);
      assertEquals("Miss from strata", client.get("/images/a.png").header("X-Cache"));
      assertEquals(Cli.REFUSED, strata("invalidate", "site", "/a*b"));
      assertTrue(err.contains("paths[0]: '/a*b' (expected: '*' only as the last character)"), err);
    } finally {
      client.close();
    }
  }

  @Test
  void prewarmFillsTheEdgeAndReportsEachUrl() throws Exception {
    strata("apply", "-f", site("60", "127.0.0.1").toString());
    fleet.awaitApplied(fleet.cp.configVersion(), 3000);
    assertEquals(
        Cli.INCOMPLETE,
        strata("prewarm", "site", "/a", "/b", "/missing", "--concurrency", "2"),
        err);
    assertTrue(out.contains("CompletedWithFailures: done 2, failed 1, total 3"), out);
    assertTrue(out.contains("failed /missing via edge-0: 404"), out);
    Fleet.Member edge = fleet.edges.get(0);
    TestClient client = new TestClient(edge.vertx(), edge.node().port());
    try {
      TestClient.Response r =
          client.request(
              HttpMethod.GET,
              "/a",
              MultiMap.caseInsensitiveMultiMap().add("Host", "127.0.0.1"),
              null);
      assertEquals("Hit from strata", r.header("X-Cache"));
      assertEquals(1, origin.hits("/a"));
    } finally {
      client.close();
    }
  }

  @Test
  void strataCommandRunsAsAProcessWithUsableExitCodes() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.strata.dist.Main");
    command.add("nodes");
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("STRATA_ENDPOINT", fleet.api.base().toString());
    pb.environment().put("STRATA_ADMIN_TOKEN", Fleet.TOKEN);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("edge-0"), output);

    pb.environment().put("STRATA_ADMIN_TOKEN", "wrong");
    Process refused = pb.start();
    String refusedOutput =
        new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, refused.exitValue(), refusedOutput);
    assertTrue(refusedOutput.contains("the bearer token is not valid"), refusedOutput);
  }
}
