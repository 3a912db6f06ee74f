package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.control.ControlPlane;
import io.strata.control.ControlPlaneOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.Sync;
import io.strata.functions.FunctionRuntime;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata functions ...} against a running control plane, with a function runtime following
 * it: deploy creates then updates a function, publish and alias name versions, bad limits are
 * refused with the API's message.
 */
class FunctionsCommandTest {
  static final String TOKEN = "strata_cli_test_token_0123456789";

  @TempDir Path dir;

  @Test
  void deployCreatesThenUpdatesAFunctionThroughTheControlPlane() throws Exception {
    Vertx vertx = StrataVertx.create();
    ControlPlane cp =
        Sync.await(
            ControlPlane.start(
                vertx,
                ControlPlaneOptions.defaults(dir.resolve("cp"))
                    .withListen("127.0.0.1", 0)
                    .withAdminToken(TOKEN)));
    FunctionRuntime runtime =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                RuntimeSettings.defaults(dir.resolve("data")),
                Auth.open(),
                new SimpleMeterRegistry()));
    runtime.followControlPlane(
        URI.create("http://127.0.0.1:" + cp.port()),
        cp.localNodeToken(),
        dir.resolve("data/state.json"));
    String endpoint = "http://127.0.0.1:" + runtime.port();
    Map<String, String> env =
        Map.of("STRATA_ENDPOINT", "http://127.0.0.1:" + cp.port(), "STRATA_ADMIN_TOKEN", TOKEN);
    try {
      Path src = Files.createDirectories(dir.resolve("src"));
      Files.writeString(src.resolve("app.py"), "def handler(e, c):\n    return 'v1'\n");
      List<String> args =
          List.of(
              "deploy",
              src.toString(),
              "--name",
              "cli",
              "--runtime",
              "python3",
              "--handler",
              "app.handler",
              "--publish");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(
          0,
          FunctionsCommand.run(args, env, new PrintStream(out), new PrintStream(err)),
          err.toString());
      assertTrue(out.toString().startsWith("deployed cli (python3, "), out.toString());
      assertTrue(out.toString().trim().endsWith(", version 1"), out.toString());
      assertEquals("\"v1\"", awaitAnswer(endpoint, "", "\"v1\""));
      Files.writeString(src.resolve("app.py"), "def handler(e, c):\n    return 'v2'\n");
      assertEquals(
          0,
          FunctionsCommand.run(args, env, new PrintStream(out), new PrintStream(err)),
          err.toString());
      assertEquals("\"v2\"", awaitAnswer(endpoint, "", "\"v2\""));
      assertEquals(
          0,
          FunctionsCommand.run(
              List.of("alias", "cli", "stable", "--version", "1"),
              env,
              new PrintStream(out),
              new PrintStream(err)),
          err.toString());
      assertEquals("\"v1\"", awaitAnswer(endpoint, "?Qualifier=stable", "\"v1\""));

      List<String> badArgs = new ArrayList<>(args);
      badArgs.set(3, "cli2");
      badArgs.addAll(List.of("--memory", "64"));
      ByteArrayOutputStream bad = new ByteArrayOutputStream();
      assertEquals(
          1, FunctionsCommand.run(badArgs, env, new PrintStream(out), new PrintStream(bad)));
      assertEquals(
          "strata: deploy failed (400): 1 problem: memorySize: 64 (expected: 128-10240 MB)\n",
          bad.toString());
      ByteArrayOutputStream down = new ByteArrayOutputStream();
      assertEquals(
          3,
          FunctionsCommand.run(
              List.of("list", "--endpoint", "http://127.0.0.1:1"),
              env,
              new PrintStream(out),
              new PrintStream(down)));
    } finally {
      runtime.close();
      Sync.await(cp.close());
      Sync.await(vertx.close());
    }
  }

  /** The function's answer once the runtime has applied the change (it follows asynchronously). */
  static String awaitAnswer(String endpoint, String query, String wanted) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    String last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(endpoint + "/2015-03-31/functions/cli/invocations" + query))
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      last = r.body();
      if (r.statusCode() == 200 && wanted.equals(last)) {
        return last;
      }
      Thread.sleep(20);
    }
    return last;
  }
}
