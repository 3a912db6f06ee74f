package io.strata.functions.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.core.testing.Sync;
import io.strata.core.time.Clock;
import io.strata.functions.Api;
import io.strata.functions.FunctionRuntime;
import io.strata.functions.Zips;
import io.strata.functions.env.RuntimeSettings;
import io.strata.functions.invoke.Auth;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the function runtime on loopback: warm invoke overhead (client round trip minus the
 * handler's own Duration), cold start per runtime, and invocations/s at concurrency 1, 10 and 100.
 * Run with {@code ./function-runtime/bench} (prints a Markdown table).
 */
public final class InvokeBenchmark {
  private static final Pattern INIT = Pattern.compile("Init Duration: ([\\d.]+) ms");

  public static void main(String[] args) throws Exception {
    int warm = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path data = Files.createTempDirectory("strata-bench");
    Vertx vertx = Vertx.vertx();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    FunctionRuntime runtime =
        Sync.await(
            FunctionRuntime.start(
                vertx,
                "127.0.0.1",
                0,
                RuntimeSettings.defaults(data),
                Auth.open(),
                meters,
                Clock.SYSTEM,
                List.of(Duration.ofMinutes(1), Duration.ofMinutes(2))));
    Api api = new Api(runtime.port());
    try {
      byte[] py = Zips.of("app.py", "def handler(event, context):\n    return event\n");
      byte[] node = Zips.of("index.js", "exports.handler = async (event) => event;\n");
      byte[] provided =
          Zips.of(
              "bootstrap",
              String.join(
                  "\n",
                  "#!/bin/sh",
                  "# A shell + curl custom runtime: no interpreter start-up beyond sh.",
                  "API=http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation",
                  "while true; do",
                  "  H=$(mktemp); B=$(curl -sS -D $H $API/next)",
                  "  ID=$(grep -i '^lambda-runtime-aws-request-id:' $H | tr -d '\\r"
                      + "' | cut -d' ' -f2)",
                  "  curl -sS -o /dev/null -X POST --data \"$B\" $API/$ID/response",
                  "done",
                  ""));
      Map<String, Object> javaFiles = new LinkedHashMap<>();
      String cls = "io/strata/functions/fixtures/HelloHandler.class";
      try (InputStream in = InvokeBenchmark.class.getClassLoader().getResourceAsStream(cls)) {
        javaFiles.put(cls, in.readAllBytes());
      }
      byte[] java = Zips.of(javaFiles);

      System.out.println("| measurement | result |");
      System.out.println("| --- | --- |");
      String[][] runtimes = {
        {"provided", "provided.al2023", "bootstrap", null},
        {"python3", "python3.12", "app.handler", null},
        {"nodejs20", "nodejs20.x", "index.handler", null},
        {"java17", "java17", "io.strata.functions.fixtures.HelloHandler::handleRequest", null}
      };
      Map<String, byte[]> zips =
          Map.of("provided", provided, "python3", py, "nodejs20", node, "java17", java);
      for (String[] r : runtimes) {
        double[] init = new double[5];
        double[] client = new double[5];
        for (int i = 0; i < 5; i++) {
          String name = "cold-" + r[0] + "-" + i;
          api.createOk(
              new JsonObject()
                  .put("FunctionName", name)
                  .put("Runtime", r[1])
                  .put("Handler", r[2])
                  .put("MemorySize", 512)
                  .put("Timeout", 30),
              zips.get(r[0]));
          long t0 = System.nanoTime();
          HttpResponse<String> resp =
              api.invoke(name, "{\"name\":\"x\"}", Map.of("X-Amz-Log-Type", "Tail"));
          client[i] = (System.nanoTime() - t0) / 1e6 - 10; // minus the Tail grace
          Matcher m = INIT.matcher(Api.logs(resp));
          init[i] = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        }
        System.out.printf(
            Locale.ROOT,
            "| cold start %s (5 runs): Init Duration p50 / client first-invoke p50 | %.1f ms / %.1f"
                + " ms |%n",
            r[0],
            median(init),
            median(client));
      }

      for (String[] r : runtimes) {
        String name = "cold-" + r[0] + "-0";
        Timer timer = meters.get("strata.function.duration").tag("function", name).timer();
        double[] overhead = new double[warm];
        double[] total = new double[warm];
        for (int i = 0; i < warm + 200; i++) {
          double before = timer.totalTime(TimeUnit.NANOSECONDS);
          long t0 = System.nanoTime();
          HttpResponse<String> resp = api.invoke(name, "{\"name\":\"x\"}");
          long rt = System.nanoTime() - t0;
          if (resp.statusCode() != 200) {
            throw new IllegalStateException(resp.body());
          }
          double handler = timer.totalTime(TimeUnit.NANOSECONDS) - before;
          if (i >= 200) {
            overhead[i - 200] = (rt - handler) / 1e6;
            total[i - 200] = rt / 1e6;
          }
        }
        System.out.printf(
            Locale.ROOT,
            "| warm %s, %d invokes: round trip p50 / p99; overhead over the handler's Duration p50"
                + " / p99 | %.3f / %.3f ms; %.3f / %.3f ms |%n",
            r[0],
            warm,
            pct(total, 50),
            pct(total, 99),
            pct(overhead, 50),
            pct(overhead, 99));
      }

      for (int c : new int[] {1, 10, 100}) {
        String name = "tp-" + c;
        api.createOk(
            new JsonObject()
                .put("FunctionName", name)
                .put("Runtime", "python3")
                .put("Handler", "app.handler"),
            py);
        // Warm c environments first, so the run measures warm throughput.
        run(api, name, c, c >= 100 ? 8 : 1);
        int[] n = run(api, name, c, seconds);
        System.out.printf(
            Locale.ROOT,
            "| python3 no-op, concurrency %d, %d s | %.0f invocations/s (%d errors, %d throttled)"
                + " |%n",
            c,
            seconds,
            n[0] / (double) seconds,
            n[1],
            n[2]);
      }
    } finally {
      runtime.close();
      Sync.await(vertx.close());
    }
    System.exit(0);
  }

  private static int[] run(Api api, String name, int concurrency, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger throttled = new AtomicInteger();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      fs.add(
          pool.submit(
              () -> {
                while (System.nanoTime() < end) {
                  int s = api.invoke(name, "{}").statusCode();
                  if (s == 200) {
                    ok.incrementAndGet();
                  } else if (s == 429) {
                    throttled.incrementAndGet();
                  } else {
                    errors.incrementAndGet();
                  }
                }
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    return new int[] {ok.get(), errors.get(), throttled.get()};
  }

  private static double median(double[] v) {
    return pct(v, 50);
  }

  private static double pct(double[] v, int p) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }
}
