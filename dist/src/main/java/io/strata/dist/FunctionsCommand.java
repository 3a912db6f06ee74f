package io.strata.dist;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code strata functions deploy DIR|ZIP --name N --runtime R --handler H [--memory MB] [--timeout
 * S] [--endpoint URL]}: zips a directory (or takes a zip), creates the function through the
 * runtime's Lambda API, or updates its code when it exists. Unsigned: for the loopback endpoint.
 */
final class FunctionsCommand {
  static final String USAGE =
      "usage: strata functions deploy DIR|ZIP --name NAME --runtime"
          + " python3|nodejs20|java17|provided [--handler H] [--memory 128] [--timeout 3]"
          + " [--endpoint http://127.0.0.1:9300]";

  private FunctionsCommand() {}

  /** Runs the command; returns the exit status. Output and errors go to {@code out}/{@code err}. */
  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.size() < 2 || !args.get(0).equals("deploy")) {
      err.println(USAGE);
      return 2;
    }
    Path source = Path.of(args.get(1));
    Flags flags;
    try {
      flags =
          Flags.parse(
              args.subList(2, args.size()),
              Set.of("name", "runtime", "handler", "memory", "timeout", "endpoint"),
              env);
    } catch (Flags.UsageException e) {
      err.println("strata: " + e.getMessage() + "\n" + USAGE);
      return 2;
    }
    String name = flags.get("name", null);
    String runtime = flags.get("runtime", null);
    if (name == null || runtime == null) {
      err.println("strata: --name and --runtime are required\n" + USAGE);
      return 2;
    }
    String endpoint = flags.get("endpoint", "http://127.0.0.1:9300");
    try {
      byte[] zip = bundle(source);
      JsonObject create =
          new JsonObject()
              .put("FunctionName", name)
              .put("Runtime", runtime)
              .put("MemorySize", Integer.parseInt(flags.get("memory", "128")))
              .put("Timeout", Integer.parseInt(flags.get("timeout", "3")))
              .put(
                  "Code", new JsonObject().put("ZipFile", Base64.getEncoder().encodeToString(zip)));
      String handler = flags.get("handler", null);
      if (handler != null) {
        create.put("Handler", handler);
      }
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpResponse<String> r = send(http, "POST", endpoint + "/2015-03-31/functions", create);
      if (r.statusCode() == 409) {
        r =
            send(
                http,
                "PUT",
                endpoint + "/2015-03-31/functions/" + name + "/code",
                new JsonObject().put("ZipFile", create.getJsonObject("Code").getString("ZipFile")));
      }
      if (r.statusCode() / 100 != 2) {
        String message = r.body();
        try {
          message = new JsonObject(r.body()).getString("message", r.body());
        } catch (RuntimeException e) {
          // not JSON: printed as it came
        }
        err.println("strata: deploy failed (" + r.statusCode() + "): " + message);
        return 1;
      }
      JsonObject cfg = new JsonObject(r.body());
      out.println(
          "deployed "
              + cfg.getString("FunctionName")
              + " ("
              + cfg.getString("Runtime")
              + ", "
              + cfg.getLong("CodeSize")
              + " bytes); invoke: curl -s "
              + endpoint
              + "/2015-03-31/functions/"
              + name
              + "/invocations -d '{}'");
      return 0;
    } catch (IOException e) {
      err.println("strata: " + e.getMessage());
      return 1;
    } catch (NumberFormatException e) {
      err.println("strata: --memory and --timeout take whole numbers");
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static HttpResponse<String> send(
      HttpClient http, String method, String url, JsonObject body)
      throws IOException, InterruptedException {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new IOException(
          "cannot reach the function runtime at " + url + " (is strata up running?)");
    }
  }

  /**
   * A zip as it is, or a directory zipped with its relative paths ({@code bootstrap} executable).
   */
  static byte[] bundle(Path source) throws IOException {
    if (Files.isRegularFile(source)) {
      return Files.readAllBytes(source);
    }
    if (!Files.isDirectory(source)) {
      throw new IOException("no such file or directory: " + source);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes);
        Stream<Path> files = Files.walk(source)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        zip.putNextEntry(new ZipEntry(source.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, zip);
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
