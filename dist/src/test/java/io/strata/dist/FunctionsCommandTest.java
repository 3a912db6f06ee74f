package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata functions deploy DIR} against a running function runtime. */
class FunctionsCommandTest {
  @TempDir Path dir;

  @Test
  void deployCreatesThenUpdatesAFunctionFromADirectory() throws Exception {
    Vertx vertx = StrataVertx.create();
    FunctionRuntime runtime =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                RuntimeSettings.defaults(dir.resolve("data")),
                Auth.open(),
                new SimpleMeterRegistry()));
    String endpoint = "http://127.0.0.1:" + runtime.port();
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
              "--endpoint",
              endpoint);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(
          0,
          FunctionsCommand.run(args, Map.of(), new PrintStream(out), new PrintStream(err)),
          err.toString());
      assertTrue(out.toString().startsWith("deployed cli (python3.12, "), out.toString());
      assertEquals("\"v1\"", invoke(endpoint));
      Files.writeString(src.resolve("app.py"), "def handler(e, c):\n    return 'v2'\n");
      assertEquals(
          0,
          FunctionsCommand.run(args, Map.of(), new PrintStream(out), new PrintStream(err)),
          err.toString());
      assertEquals("\"v2\"", invoke(endpoint));
      ByteArrayOutputStream bad = new ByteArrayOutputStream();
      List<String> badArgs =
          List.of(
              "deploy",
              src.toString(),
              "--name",
              "cli2",
              "--runtime",
              "python3",
              "--handler",
              "app.handler",
              "--memory",
              "64",
              "--endpoint",
              endpoint);
      assertEquals(
          1, FunctionsCommand.run(badArgs, Map.of(), new PrintStream(out), new PrintStream(bad)));
      assertEquals(
          "strata: deploy failed (400): MemorySize: 64 (expected: 128-10240 MB)\n", bad.toString());
    } finally {
      runtime.close();
      Sync.await(vertx.close());
    }
  }

  static String invoke(String endpoint) throws Exception {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(endpoint + "/2015-03-31/functions/cli/invocations"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
