package io.strata.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.testing.Sync;
import io.strata.core.time.Clock;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init phase is bounded (10 s in Lambda; 1 s here so the test is quick). */
class InitTimeoutTest {
  @TempDir Path data;

  @Test
  void aRuntimeThatNeverAsksForWorkIsKilledAtTheInitLimit() {
    Vertx vertx = Vertx.vertx();
    FunctionRuntime runtime =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                new RuntimeSettings(
                    data,
                    10,
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(1),
                    "eu-west-1",
                    "123456789012"),
                Auth.open(),
                new SimpleMeterRegistry(),
                Clock.SYSTEM,
                List.of(Duration.ofMillis(10), Duration.ofMillis(10))));
    try {
      Api api = new Api(runtime.port());
      api.createOk(
          new JsonObject()
              .put("FunctionName", "slow-init")
              .put("Runtime", "python3")
              .put("Handler", "app.handler"),
          Zips.of("app.py", "import time\ntime.sleep(30)\ndef handler(e, c):\n    return 1\n"));
      long t0 = System.nanoTime();
      HttpResponse<String> r = api.invoke("slow-init", "{}");
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertEquals("Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElseThrow());
      JsonObject err = new JsonObject(r.body());
      assertEquals("Sandbox.Timedout", err.getString("errorType"));
      assertEquals("Init timed out after 1.00 seconds", err.getString("errorMessage"));
      assertEquals(true, seconds < 5, "killed at the limit, not after the sleep: " + seconds);
      assertEquals(0, runtime.scheduler().environments("slow-init"));
    } finally {
      runtime.close();
      Sync.await(vertx.close());
    }
  }
}
