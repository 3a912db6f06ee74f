package io.strata.dist;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code strata functions ...}: manages functions through the control plane's admin API ({@code
 * /v1/functions}, {@code /v1/access-keys}), which the function runtime follows. {@code deploy} zips
 * a directory (or takes a zip), creates the function, or updates its configuration and code when it
 * exists (each change with the ETag it read); {@code publish}, {@code alias}, {@code schedule} and
 * {@code access-key} cover the rest. The endpoint is {@code --endpoint} or {@code STRATA_ENDPOINT}
 * (default {@code http://127.0.0.1:9090}), the token {@code --token} or {@code STRATA_ADMIN_TOKEN}.
 * Exit codes as the other operator commands: 0 ok, 1 refused, 2 usage, 3 unreachable.
 */
final class FunctionsCommand {
  static final String USAGE =
      String.join(
          "\n",
          "usage: strata functions deploy DIR|ZIP --name NAME --runtime"
              + " python3|nodejs20|java17|provided [--handler H] [--memory 128] [--timeout 3]"
              + " [--publish]",
          "       strata functions publish NAME",
          "       strata functions alias NAME ALIAS --version N [--additional-version M --weight"
              + " 0.1]",
          "       strata functions schedule NAME SCHEDULE --expression 'rate(5 minutes)' [--input"
              + " JSON] [--qualifier Q] [--single-run true]",
          "       strata functions access-key create [--description D] | delete ID | list",
          "       strata functions list | get NAME | delete NAME",
          "  (--endpoint URL or STRATA_ENDPOINT, default http://127.0.0.1:9090; --token T or"
              + " STRATA_ADMIN_TOKEN)");

  private static final Set<String> FLAGS =
      Set.of(
          "name",
          "runtime",
          "handler",
          "memory",
          "timeout",
          "publish",
          "endpoint",
          "token",
          "version",
          "additional-version",
          "weight",
          "expression",
          "input",
          "qualifier",
          "single-run",
          "description");

  private FunctionsCommand() {}

  /** An answer of the admin API. */
  private record Reply(int status, String etag, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    boolean ok() {
      return status / 100 == 2;
    }
  }

  /** The control plane could not be reached. */
  private static final class Unreachable extends IOException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message);
    }
  }

  private record Api(HttpClient http, String endpoint, String token) {
    Reply call(String method, String path, byte[] body, String type, String ifMatch)
        throws IOException, InterruptedException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(endpoint + path))
              .timeout(Duration.ofSeconds(120))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      if (type != null) {
        b.header("Content-Type", type);
      }
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      if (ifMatch != null) {
        b.header("If-Match", ifMatch);
      }
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("ETag").orElse(null), r.body());
      } catch (java.net.ConnectException e) {
        throw new Unreachable(
            "cannot reach the control plane at " + endpoint + " (is strata up running?)");
      }
    }

    Reply json(String method, String path, JsonObject body, String ifMatch)
        throws IOException, InterruptedException {
      return call(
          method,
          path,
          body == null ? null : body.encode().getBytes(StandardCharsets.UTF_8),
          "application/json",
          ifMatch);
    }
  }

  /** Runs the command; returns the exit status. Output and errors go to {@code out}/{@code err}. */
  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println(USAGE);
      return 2;
    }
    List<String> positional = new ArrayList<>();
    List<String> flagArgs = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--publish")) {
        // A switch: a following true/false is its value, anything else is not.
        boolean valued = i + 1 < args.size() && Set.of("true", "false").contains(args.get(i + 1));
        flagArgs.add("--publish");
        flagArgs.add(valued ? args.get(++i) : "true");
      } else if (args.get(i).startsWith("--")) {
        flagArgs.add(args.get(i));
        if (i + 1 < args.size()) {
          flagArgs.add(args.get(++i));
        }
      } else {
        positional.add(args.get(i));
      }
    }
    Flags flags;
    try {
      flags = Flags.parse(flagArgs, FLAGS, env);
    } catch (Flags.UsageException e) {
      err.println("strata: " + e.getMessage() + "\n" + USAGE);
      return 2;
    }
    String endpoint =
        flags.get("endpoint", env.getOrDefault("STRATA_ENDPOINT", "http://127.0.0.1:9090"));
    String token = flags.get("token", env.get("STRATA_ADMIN_TOKEN"));
    Api api =
        new Api(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build(),
            endpoint,
            token);
    try {
      Reply r =
          switch (positional.get(0)) {
            case "deploy" ->
                positional.size() == 2 ? deploy(api, Path.of(positional.get(1)), flags, out) : null;
            case "publish" ->
                positional.size() == 2
                    ? api.json(
                        "POST", "/v1/functions/" + positional.get(1) + "/versions", null, null)
                    : null;
            case "alias" -> positional.size() == 3 ? alias(api, positional, flags) : null;
            case "schedule" -> positional.size() == 3 ? schedule(api, positional, flags) : null;
            case "access-key" -> accessKey(api, positional, flags);
            case "list" -> api.json("GET", "/v1/functions", null, null);
            case "get" ->
                positional.size() == 2
                    ? api.json("GET", "/v1/functions/" + positional.get(1), null, null)
                    : null;
            case "delete" -> positional.size() == 2 ? delete(api, positional.get(1)) : null;
            default -> null;
          };
      if (r == null) {
        err.println(USAGE);
        return 2;
      }
      if (!r.ok()) {
        String message = r.body();
        try {
          message = r.json().getJsonObject("error").getString("message", r.body());
        } catch (RuntimeException e) {
          // not the API's error shape: printed as it came
        }
        err.println("strata: " + positional.get(0) + " failed (" + r.status() + "): " + message);
        return 1;
      }
      if (!positional.get(0).equals("deploy")) {
        out.println(r.body().isEmpty() ? "done" : r.body().strip());
      }
      return 0;
    } catch (Unreachable e) {
      err.println("strata: " + e.getMessage());
      return 3;
    } catch (IOException e) {
      err.println("strata: " + e.getMessage());
      return 1;
    } catch (NumberFormatException e) {
      err.println("strata: --memory, --timeout and --weight take numbers");
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static Reply deploy(Api api, Path source, Flags flags, PrintStream out)
      throws IOException, InterruptedException {
    String name = flags.get("name", null);
    byte[] zip = bundle(source);
    JsonObject config = new JsonObject();
    if (flags.get("runtime", null) != null) {
      config.put("runtime", flags.get("runtime", null));
    }
    if (flags.get("handler", null) != null) {
      config.put("handler", flags.get("handler", null));
    }
    if (flags.get("memory", null) != null) {
      config.put("memorySize", Integer.parseInt(flags.get("memory", null)));
    }
    if (flags.get("timeout", null) != null) {
      config.put("timeout", Integer.parseInt(flags.get("timeout", null)));
    }
    if (name == null) {
      throw new IOException("--name is required\n" + USAGE);
    }
    Reply current = api.json("GET", "/v1/functions/" + name, null, null);
    Reply r;
    if (current.status() == 404) {
      config
          .put("id", name)
          .put("code", new JsonObject().put("zipFile", Base64.getEncoder().encodeToString(zip)));
      r = api.json("POST", "/v1/functions", config, null);
    } else if (!current.ok()) {
      return current;
    } else {
      JsonObject merged = current.json().getJsonObject("spec").copy();
      merged.mergeIn(config);
      r = api.json("PUT", "/v1/functions/" + name, merged, current.etag());
      if (r.ok()) {
        r = api.call("PUT", "/v1/functions/" + name + "/code", zip, "application/zip", r.etag());
      }
    }
    if (!r.ok()) {
      return r;
    }
    JsonObject spec = r.json().getJsonObject("spec");
    String line =
        "deployed "
            + name
            + " ("
            + spec.getString("runtime")
            + ", "
            + spec.getLong("codeSize")
            + " bytes, sha256 "
            + spec.getString("codeSha256").substring(0, 12)
            + ")";
    if (Boolean.parseBoolean(flags.get("publish", "false"))) {
      Reply published = api.json("POST", "/v1/functions/" + name + "/versions", null, null);
      if (!published.ok()) {
        return published;
      }
      line += ", version " + published.json().getJsonObject("spec").getInteger("version");
    }
    out.println(line);
    return r;
  }

  /** Deletes a function with the ETag it reads first. */
  private static Reply delete(Api api, String name) throws IOException, InterruptedException {
    Reply current = api.json("GET", "/v1/functions/" + name, null, null);
    return current.ok()
        ? api.json("DELETE", "/v1/functions/" + name, null, current.etag())
        : current;
  }

  private static Reply alias(Api api, List<String> positional, Flags flags)
      throws IOException, InterruptedException {
    String path = "/v1/functions/" + positional.get(1) + "/aliases/" + positional.get(2);
    JsonObject body = new JsonObject().put("functionVersion", flags.get("version", null));
    if (flags.get("additional-version", null) != null) {
      body.put("additionalVersion", flags.get("additional-version", null))
          .put("additionalWeight", Double.parseDouble(flags.get("weight", "0")));
    }
    return api.json("PUT", path, body, etagOf(api, path, "aliases"));
  }

  private static Reply schedule(Api api, List<String> positional, Flags flags)
      throws IOException, InterruptedException {
    String path = "/v1/functions/" + positional.get(1) + "/schedules/" + positional.get(2);
    JsonObject body =
        new JsonObject()
            .put("scheduleExpression", flags.get("expression", null))
            .put("input", flags.get("input", null))
            .put("qualifier", flags.get("qualifier", null))
            .put("singleRun", Boolean.parseBoolean(flags.get("single-run", "false")));
    return api.json("PUT", path, body, etagOf(api, path, "schedules"));
  }

  /** The ETag of an existing alias or schedule (listed under its function), or null. */
  private static String etagOf(Api api, String path, String kind)
      throws IOException, InterruptedException {
    String list = path.substring(0, path.lastIndexOf('/'));
    String name = path.substring(path.lastIndexOf('/') + 1);
    Reply r = api.json("GET", list, null, null);
    if (!r.ok()) {
      return null;
    }
    for (Object o : r.json().getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      if (name.equals(item.getJsonObject("spec").getString("name"))) {
        return item.getString("etag");
      }
    }
    return null;
  }

  private static Reply accessKey(Api api, List<String> positional, Flags flags)
      throws IOException, InterruptedException {
    String verb = positional.size() > 1 ? positional.get(1) : "";
    return switch (verb) {
      case "create" ->
          api.json(
              "POST",
              "/v1/access-keys",
              new JsonObject().put("description", flags.get("description", "")),
              null);
      case "list" -> api.json("GET", "/v1/access-keys", null, null);
      case "delete" ->
          positional.size() == 3
              ? api.json("DELETE", "/v1/access-keys/" + positional.get(2), null, null)
              : null;
      default -> null;
    };
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
