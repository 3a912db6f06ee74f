package io.strata.dist.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator commands of {@code strata}, run against the control plane's admin API: {@code
 * apply}, {@code get}, {@code list}, {@code delete}, {@code invalidate}, {@code prewarm}, {@code
 * nodes}, {@code status}. The endpoint comes from {@code --endpoint} or {@code STRATA_ENDPOINT}
 * (default {@code http://127.0.0.1:9090}), the token from {@code --token} or {@code
 * STRATA_ADMIN_TOKEN}.
 *
 * <p>Exit codes: {@value #OK} success; {@value #REFUSED} the API refused the request (its message
 * is printed); {@value #USAGE} a mistake in the command line; {@value #UNREACHABLE} the control
 * plane cannot be reached; {@value #INCOMPLETE} a waited-for operation did not complete in time or
 * completed with failures.
 */
public final class Cli {
  public static final int OK = 0;
  public static final int REFUSED = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;
  public static final int INCOMPLETE = 4;

  /** The operator commands. */
  public static final Set<String> COMMANDS =
      Set.of("apply", "get", "list", "delete", "invalidate", "prewarm", "nodes", "status");

  public static final String USAGE_TEXT =
      String.join(
          "\n",
          "operator commands (against the control plane; --endpoint URL or STRATA_ENDPOINT,"
              + " --token T or STRATA_ADMIN_TOKEN):",
          "  apply -f FILE                  create or update the resources in a YAML/JSON file",
          "  get KIND ID                    one resource as JSON (KIND: distributions,"
              + " cache-policies, ...)",
          "  list KIND                      the resources of a kind",
          "  delete KIND ID                 delete a resource (reads its ETag first)",
          "  invalidate DIST PATH... [--tag TAG]... [--soft] [--no-wait] [--timeout 60]",
          "  prewarm DIST URL... [--sitemap URL] [--edges ID,ID] [--concurrency N] [--no-wait]",
          "  nodes                          nodes with applied version, last heartbeat, state",
          "  status                         config version, deployment status, node counts",
          "exit codes: 0 ok, 1 refused by the API, 2 usage, 3 control plane unreachable,"
              + " 4 not completed");

  /** Kinds in the order {@code apply} creates them, so references resolve. */
  private static final Map<String, String> APPLY_ORDER = new LinkedHashMap<>();

  static {
    APPLY_ORDER.put("publicKeys", "public-keys");
    APPLY_ORDER.put("keyGroups", "key-groups");
    APPLY_ORDER.put("cachePolicies", "cache-policies");
    APPLY_ORDER.put("originRequestPolicies", "origin-request-policies");
    APPLY_ORDER.put("responseHeadersPolicies", "response-headers-policies");
    APPLY_ORDER.put("distributions", "distributions");
  }

  private static final Set<String> KINDS =
      Set.of(
          "distributions",
          "cache-policies",
          "origin-request-policies",
          "response-headers-policies",
          "public-keys",
          "key-groups",
          "prewarm-jobs");

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final List<String> positional = new ArrayList<>();
  private final Map<String, List<String>> flags = new LinkedHashMap<>();
  private AdminClient api;

  private Cli(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /** Runs one operator command and returns its exit code. */
  public static int run(
      List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    return new Cli(env, out, err).run(args);
  }

  private int run(List<String> args) {
    String command = args.get(0);
    try {
      parse(args.subList(1, args.size()));
      String endpoint =
          flag("endpoint", env.getOrDefault("STRATA_ENDPOINT", "http://127.0.0.1:9090"));
      URI uri = URI.create(endpoint);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new UsageError("--endpoint: '" + endpoint + "' (expected: http(s)://host:port)");
      }
      api = new AdminClient(uri, flag("token", env.get("STRATA_ADMIN_TOKEN")));
      return switch (command) {
        case "apply" -> apply();
        case "get" -> get();
        case "list" -> list();
        case "delete" -> delete();
        case "invalidate" -> invalidate();
        case "prewarm" -> prewarm();
        case "nodes" -> nodes();
        case "status" -> status();
        default -> throw new UsageError("unknown command '" + command + "'");
      };
    } catch (UsageError e) {
      err.println("strata " + command + ": " + e.getMessage());
      return USAGE;
    } catch (AdminClient.UnreachableException e) {
      err.println("strata " + command + ": " + e.getMessage());
      return UNREACHABLE;
    } catch (Refused e) {
      err.println("strata " + command + ": " + e.getMessage());
      return REFUSED;
    }
  }

  // ---- commands

  private int apply() {
    String file = flag("f", null);
    if (file == null) {
      throw new UsageError("-f FILE is required");
    }
    JsonObject doc = readDocument(Path.of(file));
    for (String key : doc.fieldNames()) {
      if (!APPLY_ORDER.containsKey(key)) {
        throw new UsageError(
            file
                + ": unknown top-level key '"
                + key
                + "' (expected: "
                + String.join(", ", APPLY_ORDER.keySet())
                + ")");
      }
    }
    int changes = 0;
    for (Map.Entry<String, String> kind : APPLY_ORDER.entrySet()) {
      if (!(doc.getValue(kind.getKey()) instanceof JsonArray items)) {
        continue;
      }
      for (Object item : items) {
        if (!(item instanceof JsonObject spec) || !(spec.getValue("id") instanceof String id)) {
          throw new UsageError(file + ": every item of " + kind.getKey() + " needs an id");
        }
        String path = "/v1/" + kind.getValue() + "/" + encode(id);
        AdminClient.Reply current = api.get(path);
        if (current.status() == 404) {
          AdminClient.Reply created =
              expect(api.post("/v1/" + kind.getValue(), spec), kind.getValue() + "/" + id);
          out.println("created   " + kind.getValue() + "/" + id + " " + created.etag());
          changes++;
        } else {
          expect(current, kind.getValue() + "/" + id);
          if (current.json().getJsonObject("spec").equals(spec)) {
            out.println("unchanged " + kind.getValue() + "/" + id + " " + current.etag());
          } else {
            AdminClient.Reply updated =
                expect(api.put(path, spec, current.etag()), kind.getValue() + "/" + id);
            out.println(
                "updated   "
                    + kind.getValue()
                    + "/"
                    + id
                    + " "
                    + current.etag()
                    + " -> "
                    + updated.etag());
            changes++;
          }
        }
      }
    }
    out.println(changes + (changes == 1 ? " change" : " changes") + " applied");
    return OK;
  }

  private int get() {
    requirePositional(2, "get KIND ID");
    String kind = kind(positional.get(0));
    AdminClient.Reply r =
        expect(
            api.get("/v1/" + kind + "/" + encode(positional.get(1))),
            kind + "/" + positional.get(1));
    out.println(r.json().encodePrettily());
    return OK;
  }

  private int list() {
    requirePositional(1, "list KIND");
    String kind = kind(positional.get(0));
    String marker = null;
    out.printf("%-32s %-10s %-11s %s%n", "ID", "ETAG", "STATUS", "UPDATED");
    do {
      AdminClient.Reply r =
          expect(
              api.get(
                  "/v1/"
                      + kind
                      + "?limit=1000"
                      + (marker == null ? "" : "&marker=" + encode(marker))),
              kind);
      for (Object o : r.json().getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        out.printf(
            "%-32s %-10s %-11s %s%n",
            item.getString("id"),
            item.getString("etag", "-"),
            item.getString("status", item.getString("state", "-")),
            item.getString("updatedAt", "-"));
      }
      marker = r.json().getString("nextMarker");
    } while (marker != null);
    return OK;
  }

  private int delete() {
    requirePositional(2, "delete KIND ID");
    String kind = kind(positional.get(0));
    String path = "/v1/" + kind + "/" + encode(positional.get(1));
    String etag = flag("if-match", null);
    if (etag == null) {
      etag = expect(api.get(path), kind + "/" + positional.get(1)).etag();
    }
    expect(api.delete(path, etag), kind + "/" + positional.get(1));
    out.println("deleted   " + kind + "/" + positional.get(1));
    return OK;
  }

  private int invalidate() {
    if (positional.isEmpty()) {
      throw new UsageError("usage: invalidate DIST PATH... [--tag TAG]... [--soft] [--no-wait]");
    }
    String dist = positional.get(0);
    JsonObject body =
        new JsonObject()
            .put(
                "paths",
                new JsonArray(new ArrayList<Object>(positional.subList(1, positional.size()))))
            .put("tags", new JsonArray(new ArrayList<Object>(flags.getOrDefault("tag", List.of()))))
            .put("soft", flags.containsKey("soft"));
    AdminClient.Reply r =
        expect(
            api.post("/v1/distributions/" + encode(dist) + "/invalidations", body), "invalidation");
    String id = r.json().getString("id");
    long version = r.json().getLong("version");
    out.println("invalidation " + id + " created (" + r.json().getString("status") + ")");
    if (flags.containsKey("no-wait")) {
      return OK;
    }
    long deadline = System.nanoTime() + seconds("timeout", 60) * 1_000_000_000L;
    String last = "";
    while (true) {
      JsonObject inv =
          expect(api.get("/v1/distributions/" + encode(dist) + "/invalidations/" + id), id).json();
      JsonArray nodes = expect(api.get("/v1/nodes"), "nodes").json().getJsonArray("items");
      int live = 0;
      int applied = 0;
      for (Object o : nodes) {
        JsonObject n = (JsonObject) o;
        if ("up".equals(n.getString("state"))) {
          live++;
          applied += n.getLong("appliedVersion") >= version ? 1 : 0;
        }
      }
      String line = inv.getString("status") + ": " + applied + "/" + live + " nodes applied";
      if (!line.equals(last)) {
        out.println(line);
        last = line;
      }
      if ("Completed".equals(inv.getString("status"))) {
        return OK;
      }
      if (System.nanoTime() > deadline) {
        err.println("strata invalidate: " + id + " still in progress after the timeout");
        return INCOMPLETE;
      }
      sleep(200);
    }
  }

  private int prewarm() {
    if (positional.isEmpty()) {
      throw new UsageError(
          "usage: prewarm DIST URL... [--sitemap URL] [--edges ID,ID] [--concurrency N]");
    }
    JsonObject body =
        new JsonObject()
            .put("distributionId", positional.get(0))
            .put(
                "urls",
                new JsonArray(new ArrayList<Object>(positional.subList(1, positional.size()))));
    if (flags.containsKey("sitemap")) {
      body.put("sitemap", flag("sitemap", null));
    }
    if (flags.containsKey("edges")) {
      body.put(
          "edges", new JsonArray(new ArrayList<Object>(List.of(flag("edges", "").split(",")))));
    }
    if (flags.containsKey("concurrency")) {
      body.put("concurrency", (int) seconds("concurrency", 1));
    }
    AdminClient.Reply r = expect(api.post("/v1/prewarm-jobs", body), "pre-warm job");
    String id = r.json().getString("id");
    out.println("pre-warm job " + id + " started: " + r.json().getInteger("total") + " fetches");
    if (flags.containsKey("no-wait")) {
      return OK;
    }
    long deadline = System.nanoTime() + seconds("timeout", 300) * 1_000_000_000L;
    String last = "";
    while (true) {
      JsonObject job = expect(api.get("/v1/prewarm-jobs/" + id), id).json();
      String line =
          job.getString("state")
              + ": done "
              + job.getInteger("done")
              + ", failed "
              + job.getInteger("failed")
              + ", total "
              + job.getInteger("total");
      if (!line.equals(last)) {
        out.println(line);
        last = line;
      }
      if (!"Running".equals(job.getString("state"))) {
        for (Object o : job.getJsonArray("results")) {
          JsonObject item = (JsonObject) o;
          if ("failed".equals(item.getString("state"))) {
            out.println(
                "  failed "
                    + item.getString("url")
                    + " via "
                    + item.getString("edge")
                    + ": "
                    + item.getValue("status", item.getString("error")));
          }
        }
        return job.getInteger("failed") == 0 ? OK : INCOMPLETE;
      }
      if (System.nanoTime() > deadline) {
        err.println("strata prewarm: " + id + " still running after the timeout");
        return INCOMPLETE;
      }
      sleep(200);
    }
  }

  private int nodes() {
    JsonObject r = expect(api.get("/v1/nodes"), "nodes").json();
    out.println("config version " + r.getLong("configVersion"));
    out.printf(
        "%-24s %-9s %-28s %-8s %-5s %s%n",
        "ID", "ROLE", "ADDRESS", "APPLIED", "STATE", "LAST HEARTBEAT");
    for (Object o : r.getJsonArray("items")) {
      JsonObject n = (JsonObject) o;
      out.printf(
          "%-24s %-9s %-28s %-8d %-5s %s%n",
          n.getString("id"),
          n.getString("role"),
          n.getString("address"),
          n.getLong("appliedVersion"),
          n.getString("state"),
          n.getString("lastHeartbeat"));
    }
    return OK;
  }

  private int status() {
    JsonObject s = expect(api.get("/v1/status"), "status").json();
    out.println(
        "config version   " + s.getLong("configVersion") + " (" + s.getString("status") + ")");
    out.println(
        "nodes            "
            + s.getInteger("nodesUp")
            + " up, "
            + s.getInteger("nodesDown")
            + " down");
    out.println("lowest applied   " + s.getLong("lowestAppliedVersion"));
    out.println("invalidations    " + s.getInteger("invalidationsInProgress") + " in progress");
    out.println("distributions    " + s.getInteger("distributions"));
    return OK;
  }

  // ---- helpers

  private void parse(List<String> args) {
    Set<String> booleans = Set.of("no-wait", "soft");
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-f")) {
        a = "--f";
      }
      if (a.startsWith("--")) {
        String name = a.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (!booleans.contains(name)) {
          if (i + 1 >= args.size()) {
            throw new UsageError("--" + name + " needs a value");
          }
          value = args.get(++i);
        }
        flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value == null ? "true" : value);
      } else {
        positional.add(a);
      }
    }
  }

  private String flag(String name, String fallback) {
    List<String> v = flags.get(name);
    return v == null || v.isEmpty() ? fallback : v.get(v.size() - 1);
  }

  private long seconds(String name, long fallback) {
    String v = flag(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageError("--" + name + ": '" + v + "' (expected: a positive number)");
  }

  private void requirePositional(int n, String usage) {
    if (positional.size() != n) {
      throw new UsageError("usage: " + usage);
    }
  }

  private static String kind(String given) {
    String k = given;
    if (!KINDS.contains(k)) {
      k = k.endsWith("y") ? k.substring(0, k.length() - 1) + "ies" : k + "s";
    }
    if (!KINDS.contains(k)) {
      throw new UsageError(
          "unknown kind '"
              + given
              + "' (expected: "
              + String.join(", ", KINDS.stream().sorted().toList())
              + ")");
    }
    return k;
  }

  private static JsonObject readDocument(Path file) {
    try {
      Object value =
          new ObjectMapper(new YAMLFactory()).readValue(Files.readString(file), Object.class);
      if (value instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) map;
        // Through JSON text, so nested values compare equal to what the API answers.
        return new JsonObject(io.vertx.core.json.Json.encode(m));
      }
      throw new UsageError(
          file + ": expected a mapping at the top (distributions:, cachePolicies:, ...)");
    } catch (IOException e) {
      throw new UsageError(file + ": cannot read: " + e.getMessage());
    }
  }

  private static AdminClient.Reply expect(AdminClient.Reply r, String what) {
    if (!r.ok()) {
      throw new Refused(what + ": " + r.errorMessage());
    }
    return r;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("interrupted");
    }
  }

  private static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
