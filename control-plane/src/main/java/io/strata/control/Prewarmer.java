package io.strata.control;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pre-warm jobs: a list of URLs (or the URLs of a sitemap) requested through chosen edge nodes, so
 * that each edge and the regional node its hash picks hold the objects before viewers ask. Requests
 * run at most {@code concurrency} at a time; progress (done, failed, total) and each URL's result
 * per edge are stored with the job and visible while it runs.
 */
final class Prewarmer {
  static final String KIND = "prewarm-jobs";
  private static final System.Logger LOG = System.getLogger(Prewarmer.class.getName());
  private static final Pattern LOC = Pattern.compile("<loc>\\s*([^<\\s]+)\\s*</loc>");
  private static final int MAX_URLS = 10_000;

  private final Vertx vertx;
  private final Blocking blocking;

  /** Runs database work on a worker, as {@link ControlPlane#blocking} does. */
  interface Blocking {
    <T> Future<T> run(Store.Work<T> work);
  }

  private final Nodes nodes;
  private final int maxConcurrency;
  private final HttpClient client;
  private volatile boolean stopped;

  Prewarmer(Vertx vertx, Blocking blocking, Nodes nodes, int maxConcurrency) {
    this.vertx = vertx;
    this.blocking = blocking;
    this.nodes = nodes;
    this.maxConcurrency = maxConcurrency;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(2000).setIdleTimeout(30),
            new PoolOptions().setHttp1MaxSize(maxConcurrency));
  }

  void stop() {
    stopped = true;
    client.close();
  }

  /** Validates a job request, stores the job, and starts it; answers the stored job. */
  Future<JsonObject> create(JsonObject request, String actor) {
    List<ApiError.Problem> problems = new ArrayList<>();
    String distributionId = request.getValue("distributionId") instanceof String s ? s : null;
    if (distributionId == null) {
      problems.add(
          new ApiError.Problem(
              "distributionId",
              Resources.describe(request.getValue("distributionId"))
                  + " (expected: a distribution id)"));
    }
    List<String> urls = new ArrayList<>();
    Object urlValue = request.getValue("urls");
    if (urlValue instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.getValue(i) instanceof String u
            && (u.startsWith("/") || u.startsWith("http://") || u.startsWith("https://"))) {
          urls.add(u);
        } else {
          problems.add(
              new ApiError.Problem(
                  "urls[" + i + "]",
                  Resources.describe(list.getValue(i))
                      + " (expected: a path starting with / or an http(s) URL)"));
        }
      }
    } else if (urlValue != null) {
      problems.add(
          new ApiError.Problem(
              "urls", Resources.describe(urlValue) + " (expected: a list of URLs)"));
    }
    String sitemap = request.getValue("sitemap") instanceof String s ? s : null;
    if (request.getValue("sitemap") != null && (sitemap == null || !sitemap.startsWith("http"))) {
      problems.add(
          new ApiError.Problem(
              "sitemap",
              Resources.describe(request.getValue("sitemap")) + " (expected: an http(s) URL)"));
    }
    if (urls.isEmpty() && sitemap == null && problems.isEmpty()) {
      problems.add(new ApiError.Problem("urls", "none (expected: urls or sitemap)"));
    }
    int concurrency = maxConcurrency;
    if (request.getValue("concurrency") != null) {
      if (request.getValue("concurrency") instanceof Integer n && n >= 1 && n <= maxConcurrency) {
        concurrency = n;
      } else {
        problems.add(
            new ApiError.Problem(
                "concurrency",
                Resources.describe(request.getValue("concurrency"))
                    + " (expected: 1.."
                    + maxConcurrency
                    + ")"));
      }
    }
    List<String> edges = new ArrayList<>();
    if (request.getValue("edges") instanceof JsonArray list) {
      list.forEach(e -> edges.add(String.valueOf(e)));
    } else if (request.getValue("edges") != null) {
      problems.add(
          new ApiError.Problem(
              "edges",
              Resources.describe(request.getValue("edges"))
                  + " (expected: a list of edge node ids)"));
    }
    if (!problems.isEmpty()) {
      return Future.failedFuture(ApiError.invalid(problems));
    }
    int chosenConcurrency = concurrency;
    Future<List<String>> allUrls =
        sitemap == null
            ? Future.succeededFuture(urls)
            : sitemapUrls(sitemap)
                .map(
                    found -> {
                      List<String> merged = new ArrayList<>(urls);
                      merged.addAll(found);
                      return merged;
                    });
    return allUrls
        .compose(
            list ->
                blocking.<StoredResource>run(
                    c -> {
                      StoredResource distribution =
                          Resources.find(c, ResourceKind.DISTRIBUTION.segment(), distributionId);
                      if (distribution == null) {
                        throw ApiError.invalid(
                            List.of(
                                new ApiError.Problem(
                                    "distributionId",
                                    "'"
                                        + distributionId
                                        + "' (expected: an existing distribution)")));
                      }
                      JsonArray aliases =
                          distribution.body().getJsonArray("aliases", new JsonArray());
                      String host = aliases.isEmpty() ? "localhost" : aliases.getString(0);
                      List<Nodes.Node> targets = new ArrayList<>();
                      List<ApiError.Problem> nodeProblems = new ArrayList<>();
                      List<Nodes.Node> all = nodes.all(c);
                      if (edges.isEmpty()) {
                        for (Nodes.Node n : all) {
                          if (n.role().equals("edge") && nodes.isLive(n)) {
                            targets.add(n);
                          }
                        }
                      } else {
                        for (int i = 0; i < edges.size(); i++) {
                          String id = edges.get(i);
                          Nodes.Node found =
                              all.stream()
                                  .filter(n -> n.id().equals(id) && n.role().equals("edge"))
                                  .findFirst()
                                  .orElse(null);
                          if (found == null) {
                            nodeProblems.add(
                                new ApiError.Problem(
                                    "edges[" + i + "]",
                                    "'" + id + "' (expected: a registered edge node)"));
                          } else {
                            targets.add(found);
                          }
                        }
                      }
                      if (targets.isEmpty() && nodeProblems.isEmpty()) {
                        nodeProblems.add(
                            new ApiError.Problem(
                                "edges", "no live edge node (expected: at least one)"));
                      }
                      if (list.size() > MAX_URLS) {
                        nodeProblems.add(
                            new ApiError.Problem(
                                "urls",
                                list.size() + " URLs (expected: at most " + MAX_URLS + ")"));
                      }
                      if (!nodeProblems.isEmpty()) {
                        throw ApiError.invalid(nodeProblems);
                      }
                      JsonArray results = new JsonArray();
                      for (String u : list) {
                        for (Nodes.Node n : targets) {
                          results.add(
                              new JsonObject()
                                  .put("url", u)
                                  .put("edge", n.id())
                                  .put("address", n.address())
                                  .put("state", "pending"));
                        }
                      }
                      JsonObject body =
                          new JsonObject()
                              .put("distributionId", distributionId)
                              .put("host", host)
                              .put("concurrency", chosenConcurrency)
                              .put("state", "Running")
                              .put("total", results.size())
                              .put("done", 0)
                              .put("failed", 0)
                              .put("results", results);
                      long now = System.currentTimeMillis();
                      long version = Store.configVersion(c);
                      String id = "P" + Tokens.randomBase32(13);
                      StoredResource job =
                          new StoredResource(
                              KIND, id, StoredResource.etagFor(version), version, body, now, now);
                      Resources.insert(c, job);
                      Resources.audit(c, actor, "create", KIND, id, null, null, version);
                      return job;
                    }))
        .map(
            job -> {
              run(job);
              return toJson(job);
            });
  }

  /**
   * Marks jobs left {@code Running} by a previous process as {@code Interrupted}: jobs run in the
   * control plane's memory and do not resume after a restart.
   */
  static void markInterrupted(java.sql.Connection c) throws java.sql.SQLException {
    for (StoredResource job : Resources.changedAfter(c, KIND, -1)) {
      if ("Running".equals(job.body().getString("state"))) {
        JsonObject body = job.body().put("state", "Interrupted");
        try (var s =
            c.prepareStatement(
                "UPDATE strata_resources SET body = ?, updated_at = ? WHERE kind = ? AND id = ?")) {
          s.setString(1, body.encode());
          s.setLong(2, System.currentTimeMillis());
          s.setString(3, KIND);
          s.setString(4, job.id());
          s.executeUpdate();
        }
        LOG.log(
            System.Logger.Level.WARNING, "pre-warm job {0} was interrupted by a restart", job.id());
      }
    }
  }

  static JsonObject toJson(StoredResource job) {
    return job.body()
        .copy()
        .put("id", job.id())
        .put("createdAt", java.time.Instant.ofEpochMilli(job.createdAt()).toString())
        .put("updatedAt", java.time.Instant.ofEpochMilli(job.updatedAt()).toString());
  }

  /** Runs a stored job on the event loop: at most {@code concurrency} requests in flight. */
  private void run(StoredResource job) {
    JsonObject state = job.body().copy();
    JsonArray results = state.getJsonArray("results");
    Deque<JsonObject> queue = new ArrayDeque<>();
    results.forEach(r -> queue.add((JsonObject) r));
    int concurrency = state.getInteger("concurrency");
    String host = state.getString("host");
    int[] running = {0};
    boolean[] saving = {false};
    @SuppressWarnings("unchecked")
    Future<Void>[] lastSave = new Future[] {Future.succeededFuture()};
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          while (!stopped && running[0] < concurrency && !queue.isEmpty()) {
            JsonObject item = queue.poll();
            running[0]++;
            fetch(item, host)
                .onComplete(
                    ar -> {
                      if (stopped) {
                        // Closing: the store is going away; the next start marks the job.
                        return;
                      }
                      running[0]--;
                      boolean ok = ar.succeeded() && ar.result().getInteger("status") < 400;
                      item.put("state", ok ? "done" : "failed");
                      if (ar.succeeded()) {
                        item.mergeIn(ar.result());
                      } else {
                        item.put("error", String.valueOf(ar.cause().getMessage()));
                      }
                      state.put("done", state.getInteger("done") + (ok ? 1 : 0));
                      state.put("failed", state.getInteger("failed") + (ok ? 0 : 1));
                      boolean finished = queue.isEmpty() && running[0] == 0;
                      if (finished) {
                        state.put(
                            "state",
                            state.getInteger("failed") == 0
                                ? "Completed"
                                : "CompletedWithFailures");
                      }
                      // Saves run one after another, so an earlier progress save can never land
                      // after the final one and leave the job looking unfinished.
                      JsonObject snapshot = state.copy();
                      if (finished) {
                        lastSave[0] = lastSave[0].transform(v -> save(job, snapshot));
                      } else if (!saving[0]) {
                        saving[0] = true;
                        lastSave[0] =
                            lastSave[0]
                                .transform(v -> save(job, snapshot))
                                .onComplete(v -> saving[0] = false);
                      }
                      next[0].run();
                    });
          }
        };
    next[0].run();
  }

  private Future<Void> save(StoredResource job, JsonObject state) {
    return blocking
        .<Void>run(
            c -> {
              try (var s =
                  c.prepareStatement(
                      "UPDATE strata_resources SET body = ?, updated_at = ? WHERE kind = ? AND id ="
                          + " ?")) {
                s.setString(1, state.encode());
                s.setLong(2, System.currentTimeMillis());
                s.setString(3, KIND);
                s.setString(4, job.id());
                s.executeUpdate();
              }
              return null;
            })
        .onFailure(
            e ->
                LOG.log(
                    System.Logger.Level.WARNING,
                    "cannot save pre-warm job {0}: {1}",
                    job.id(),
                    e.toString()));
  }

  /** One GET through an edge node; answers the status and the cache result. */
  private Future<JsonObject> fetch(JsonObject item, String host) {
    try {
      return send(item, host);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture("not a usable URL: " + e.getMessage());
    }
  }

  private Future<JsonObject> send(JsonObject item, String host) {
    String url = item.getString("url");
    URI edge = URI.create(item.getString("address"));
    String pathAndQuery = url;
    String hostHeader = host;
    if (!url.startsWith("/")) {
      URI u = URI.create(url);
      pathAndQuery =
          (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
              + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      hostHeader = u.getHost();
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(edge.getHost())
            .setPort(edge.getPort())
            .setURI(pathAndQuery)
            .putHeader("Host", hostHeader)
            .putHeader("User-Agent", "strata-prewarm")
            .setTimeout(30_000);
    long start = System.nanoTime();
    // The end is awaited in the callback that delivers the response, never in a later task: a
    // short response can be complete before a callback chained from another context runs.
    return client
        .request(options)
        .compose(
            r ->
                r.send()
                    .compose(
                        response ->
                            response
                                .end()
                                .map(
                                    v ->
                                        new JsonObject()
                                            .put("status", response.statusCode())
                                            .put("xCache", response.getHeader("X-Cache"))
                                            .put(
                                                "millis",
                                                (System.nanoTime() - start) / 1_000_000))));
  }

  /** The {@code <loc>} URLs of a sitemap (urlset) document. */
  private Future<List<String>> sitemapUrls(String sitemap) {
    URI u = URI.create(sitemap);
    Promise<List<String>> promise = Promise.promise();
    client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(u.getHost())
                .setPort(u.getPort() < 0 ? 80 : u.getPort())
                .setURI(u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                .setTimeout(10_000))
        .compose(r -> r.send())
        .compose(
            response -> {
              if (response.statusCode() != 200) {
                return Future.failedFuture(
                    ApiError.invalid(
                        List.of(
                            new ApiError.Problem(
                                "sitemap",
                                "'"
                                    + sitemap
                                    + "' answered "
                                    + response.statusCode()
                                    + " (expected: 200)"))));
              }
              return response.body();
            })
        .onSuccess(
            body -> {
              List<String> urls = new ArrayList<>();
              Matcher m = LOC.matcher(body.toString());
              while (m.find()) {
                urls.add(m.group(1).replace("&amp;", "&"));
              }
              promise.complete(urls);
            })
        .onFailure(
            e ->
                promise.fail(
                    e instanceof ApiError
                        ? e
                        : ApiError.invalid(
                            List.of(
                                new ApiError.Problem(
                                    "sitemap",
                                    "'" + sitemap + "' cannot be fetched: " + e.getMessage())))));
    return promise.future();
  }
}
