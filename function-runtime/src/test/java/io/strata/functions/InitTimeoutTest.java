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

/**
 * Runtimes with their own settings: the init phase is bounded (10 s in Lambda; 1 s here so the test
 * is quick), and the global concurrency limit throttles across functions.
 */
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

  @Test
  void theGlobalConcurrencyLimitThrottlesAcrossFunctions() throws Exception {
    Vertx vertx = Vertx.vertx();
    FunctionRuntime runtime =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                new RuntimeSettings(
                    data,
                    1,
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(10),
                    "eu-west-1",
                    "123456789012"),
                Auth.open(),
                new SimpleMeterRegistry(),
                Clock.SYSTEM,
                List.of(Duration.ofMillis(10), Duration.ofMillis(10))));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      Api api = new Api(runtime.port());
      byte[] zip =
          Zips.of("app.py", "import time\ndef handler(e, c):\n    time.sleep(e)\n    return e\n");
      for (String name : List.of("a", "b")) {
        api.createOk(
            new JsonObject()
                .put("FunctionName", name)
                .put("Runtime", "python3")
                .put("Handler", "app.handler"),
            zip);
      }
      var slow = pool.submit(() -> api.invoke("a", "1.5"));
      long end = System.nanoTime() + 10_000_000_000L;
      while (runtime.scheduler().busy() == 0 && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      HttpResponse<String> throttled = api.invoke("b", "0");
      assertEquals(429, throttled.statusCode());
      assertEquals(
          "ConcurrentInvocationLimitExceeded",
          new JsonObject(throttled.body()).getString("Reason"));
      assertEquals("1.5", slow.get().body());
      assertEquals("0", api.invoke("b", "0").body(), "capacity again once the first one ended");
    } finally {
      pool.shutdownNow();
      runtime.close();
      Sync.await(vertx.close());
    }
  }
}
