package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.testing.Sync;
import io.strata.core.time.ManualClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API suite, run once per store (H2 and PostgreSQL subclasses): real HTTP on loopback,
 * real database.
 */
abstract class AdminApiContract {
  static final String ADMIN = "test-admin-token-0123456789";

  @TempDir Path dir;
  Vertx vertx;
  ControlPlane cp;
  Api api;
  final ManualClock clock = new ManualClock(1_700_000_000_000L);

  /** The options of the store under test, for a control plane on a free port. */
  abstract ControlPlaneOptions storeOptions(Path dir) throws Exception;

  void releaseStore() {}

  @BeforeEach
  void startControlPlane() throws Exception {
    vertx = Vertx.vertx();
    cp = Sync.await(ControlPlane.start(vertx, options()));
    api = new Api("http://127.0.0.1:" + cp.port(), ADMIN);
  }

  private ControlPlaneOptions options() throws Exception {
    if (baseOptions == null) {
      baseOptions =
          storeOptions(dir).withAdminToken(ADMIN).withClock(clock).withTimings(3_000, 15_000);
    }
    return baseOptions;
  }

  private ControlPlaneOptions baseOptions;

  @AfterEach
  void stop() {
    if (cp != null) {
      Sync.await(cp.close());
    }
    Sync.await(vertx.close());
    releaseStore();
  }

  void restart() throws Exception {
    Sync.await(cp.close());
    cp = Sync.await(ControlPlane.start(vertx, options()));
    api = new Api("http://127.0.0.1:" + cp.port(), ADMIN);
  }

  static JsonObject distribution(String id, String alias) {
    return new JsonObject(
        """
        {"id": "%s", "aliases": ["%s"],
         "origins": [{"id": "web", "url": "http://127.0.0.1:8000"}],
         "defaultBehavior": {"origin": "web"},
         "behaviors": [{"pathPattern": "/api/*", "origin": "web",
                        "cachePolicy": {"minTtl": 0, "defaultTtl": 0, "maxTtl": 0}}]}
        """
            .formatted(id, alias));
  }

  @Test
  void distributionLifecycleFollowsEtagsAndIfMatch() {
    Api.Reply created = api.post("/v1/distributions", distribution("site", "site.example"));
    assertEquals(201, created.status(), created.json().encode());
    String etag = created.etag();
    assertNotNull(etag);
    assertEquals("Deployed", api.get("/v1/distributions/site").json().getString("status"));

    Api.Reply read = api.get("/v1/distributions/site");
    assertEquals(200, read.status());
    assertEquals(etag, read.etag());
    assertEquals(
        "site.example", read.json().getJsonObject("spec").getJsonArray("aliases").getString(0));

    JsonObject changed = distribution("site", "www.example");
    assertEquals(428, api.put("/v1/distributions/site", changed, null).status());
    Api.Reply updated = api.put("/v1/distributions/site", changed, etag);
    assertEquals(200, updated.status(), updated.json().encode());
    assertNotEquals(etag, updated.etag());

    Api.Reply stale = api.put("/v1/distributions/site", distribution("site", "x.example"), etag);
    assertEquals(412, stale.status());
    assertEquals("PreconditionFailed", stale.errorCode());
    assertEquals(412, api.delete("/v1/distributions/site", etag).status());

    assertEquals(204, api.delete("/v1/distributions/site", updated.etag()).status());
    assertEquals(404, api.get("/v1/distributions/site").status());
  }

  @Test
  void everyBadCachePolicyFieldIsListedAtOnce() {
    Api.Reply refused =
        api.post(
            "/v1/cache-policies",
            new JsonObject().put("id", "bad").put("minTtl", -1).put("maxTtl", "never"));
    assertEquals(400, refused.status());
    String body = refused.json().encode();
    assertTrue(body.contains("minTtl") && body.contains("-1"), body);
    assertTrue(body.contains("maxTtl") && body.contains("never"), body);
  }

  @Test
  void yamlIsAcceptedOnInput() {
    Api.Reply created =
        api.send(
            "POST",
            "/v1/cache-policies",
            "id: yaml-policy\nminTtl: 1\ndefaultTtl: 2\nmaxTtl: 3\n",
            null,
            "application/yaml");
    assertEquals(201, created.status(), created.json().encode());
    assertEquals(2, created.json().getJsonObject("spec").getInteger("defaultTtl"));
    Api.Reply broken = api.send("POST", "/v1/cache-policies", "a: [", null, "application/yaml");
    assertEquals(400, broken.status());
    assertEquals(
        "(body)",
        broken
            .json()
            .getJsonObject("error")
            .getJsonArray("problems")
            .getJsonObject(0)
            .getString("field"));
  }

  @Test
  void retiredNodeCanBeForgotten() {
    api.post(
        "/v1/nodes",
        new JsonObject()
            .put("id", "edge-9")
            .put("role", "edge")
            .put("address", "http://127.0.0.1:1"));
    assertEquals(204, api.delete("/v1/nodes/edge-9", null).status());
    assertEquals(404, api.get("/v1/nodes/edge-9").status());
    assertEquals(404, api.delete("/v1/nodes/edge-9", null).status());
  }

  @Test
  void prewarmJobRunningAtARestartIsMarkedInterrupted() throws Exception {
    // An "edge" that accepts connections and never answers keeps the job running.
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertEquals(201, api.post("/v1/distributions", distribution("site", "a.example")).status());
      api.post(
          "/v1/nodes",
          new JsonObject()
              .put("id", "edge-1")
              .put("role", "edge")
              .put("address", "http://127.0.0.1:" + silent.getLocalPort()));
      Api.Reply job =
          api.post(
              "/v1/prewarm-jobs",
              new JsonObject()
                  .put("distributionId", "site")
                  .put("urls", new JsonArray().add("/a")));
      assertEquals(201, job.status(), job.json().encode());
      assertEquals("Running", job.json().getString("state"));
      restart();
      Api.Reply after = api.get("/v1/prewarm-jobs/" + job.json().getString("id"));
      assertEquals("Interrupted", after.json().getString("state"), after.json().encode());
    }
  }

  @Test
  void creatingAnExistingIdIsAConflict() {
    assertEquals(201, api.post("/v1/distributions", distribution("site", "a.example")).status());
    Api.Reply again = api.post("/v1/distributions", distribution("site", "b.example"));
    assertEquals(409, again.status());
    assertEquals("ResourceAlreadyExists", again.errorCode());
  }

  @Test
  void invalidDistributionListsEveryProblemAndChangesNothing() {
    long before = cp.configVersion();
    JsonObject bad = distribution("bad id!", "a.example");
    bad.put("cacheTagHeader", "Cache Tag");
    Api.Reply reply = api.post("/v1/distributions", bad);
    assertEquals(400, reply.status());
    JsonArray problems = reply.json().getJsonObject("error").getJsonArray("problems");
    List<String> fields = new ArrayList<>();
    problems.forEach(p -> fields.add(((JsonObject) p).getString("field")));
    assertEquals(List.of("id", "cacheTagHeader"), fields);

    JsonObject brokenRefs = distribution("site", "a.example");
    brokenRefs.getJsonObject("defaultBehavior").put("cachePolicyId", "missing");
    brokenRefs.put("cacheTagHeader", "Bad Header");
    Api.Reply refs = api.post("/v1/distributions", brokenRefs);
    assertEquals(400, refs.status());
    String message = refs.json().getJsonObject("error").getString("message");
    assertTrue(message.contains("defaultBehavior.cachePolicyId: 'missing'"), message);
    assertTrue(message.contains("cacheTagHeader: 'Bad Header'"), message);

    JsonObject badTimeout = distribution("site", "a.example");
    badTimeout.getJsonArray("origins").getJsonObject(0).put("connectTimeoutMs", -5);
    Api.Reply timeout = api.post("/v1/distributions", badTimeout);
    assertEquals(400, timeout.status());
    JsonObject problem =
        timeout.json().getJsonObject("error").getJsonArray("problems").getJsonObject(0);
    assertEquals("origins[0].connectTimeoutMs", problem.getString("field"));
    assertTrue(problem.getString("problem").startsWith("-5 (expected: "), problem.encode());

    assertEquals(before, cp.configVersion());
    assertEquals(0, api.get("/v1/distributions").json().getJsonArray("items").size());
  }

  @Test
  void everyProblemOfADistributionIsListedAtOnce() {
    JsonObject bad = distribution("site", "a.example");
    bad.put("aliases", new JsonArray().add("a.example").add("http://bad/"));
    bad.getJsonArray("origins").getJsonObject(0).put("connectTimeoutMs", -5);
    bad.getJsonArray("origins").add(new JsonObject().put("id", "b").put("url", "ftp://x"));
    bad.getJsonObject("defaultBehavior").put("cachePolicy", new JsonObject().put("minTtl", -1));
    bad.getJsonArray("behaviors").getJsonObject(0).put("pathPattern", "/a b");
    bad.put("cacheTagHeader", "Bad Header");
    bad.getJsonObject("defaultBehavior").put("cachePolicyId", "missing");
    Api.Reply reply = api.post("/v1/distributions", bad);
    assertEquals(400, reply.status());
    List<String> fields = new ArrayList<>();
    reply
        .json()
        .getJsonObject("error")
        .getJsonArray("problems")
        .forEach(p -> fields.add(((JsonObject) p).getString("field")));
    assertEquals(
        List.of(
            "cacheTagHeader",
            "defaultBehavior.cachePolicyId",
            "aliases[1]",
            "origins[0].connectTimeoutMs",
            "origins[1].url",
            "defaultBehavior.cachePolicy.minTtl",
            "behaviors[0].pathPattern"),
        fields,
        reply.json().encode());
  }

  @Test
  void aliasTakenByAnotherDistributionIsRefused() {
    assertEquals(201, api.post("/v1/distributions", distribution("one", "a.example")).status());
    Api.Reply reply = api.post("/v1/distributions", distribution("two", "a.example"));
    assertEquals(400, reply.status());
    assertTrue(
        reply.json().encode().contains("already used by distribution 'one'"),
        reply.json().encode());
  }

  @Test
  void referencedCachePolicyCannotBeDeleted() {
    Api.Reply policy =
        api.post(
            "/v1/cache-policies",
            new JsonObject()
                .put("id", "short")
                .put("minTtl", 0)
                .put("defaultTtl", 60)
                .put("maxTtl", 600));
    assertEquals(201, policy.status(), policy.json().encode());
    JsonObject d = distribution("site", "a.example");
    d.getJsonObject("defaultBehavior").put("cachePolicyId", "short");
    assertEquals(201, api.post("/v1/distributions", d).status());

    JsonObject node = api.get("/v1/config").json().getJsonObject("config");
    assertEquals(
        60,
        node.getJsonArray("distributions")
            .getJsonObject(0)
            .getJsonObject("defaultBehavior")
            .getJsonObject("cachePolicy")
            .getInteger("defaultTtl"));

    Api.Reply refused = api.delete("/v1/cache-policies/short", policy.etag());
    assertEquals(409, refused.status());
    assertEquals("ResourceInUse", refused.errorCode());
    assertEquals(
        List.of("distributions/site"),
        refused.json().getJsonObject("error").getJsonArray("referencedBy").getList());

    Api.Reply invalidPolicy =
        api.put(
            "/v1/cache-policies/short",
            new JsonObject().put("minTtl", 100).put("defaultTtl", 60).put("maxTtl", 600),
            policy.etag());
    assertEquals(400, invalidPolicy.status());
    assertEquals(
        "defaultTtl",
        invalidPolicy
            .json()
            .getJsonObject("error")
            .getJsonArray("problems")
            .getJsonObject(0)
            .getString("field"),
        invalidPolicy.json().encode());
  }

  @Test
  void trustedKeyGroupsPublicKeyCannotBeDeleted() throws Exception {
    var generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + java.util.Base64.getMimeEncoder()
                .encodeToString(generator.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    Api.Reply key =
        api.post("/v1/public-keys", new JsonObject().put("id", "k1").put("encodedKey", pem));
    assertEquals(201, key.status(), key.json().encode());
    assertEquals(
        400,
        api.post("/v1/public-keys", new JsonObject().put("id", "k2").put("encodedKey", "nope"))
            .status());
    Api.Reply group =
        api.post(
            "/v1/key-groups",
            new JsonObject().put("id", "g1").put("keys", new JsonArray().add("k1")));
    assertEquals(201, group.status(), group.json().encode());
    Api.Reply refused = api.delete("/v1/public-keys/k1", key.etag());
    assertEquals(409, refused.status());
    assertEquals(
        List.of("key-groups/g1"),
        refused.json().getJsonObject("error").getJsonArray("referencedBy").getList());
    assertEquals(204, api.delete("/v1/key-groups/g1", group.etag()).status());
    assertEquals(204, api.delete("/v1/public-keys/k1", key.etag()).status());
  }

  @Test
  void requestsWithoutAValidTokenAreUnauthorized() {
    assertEquals(401, api.as(null).get("/v1/distributions").status());
    Api.Reply wrong = api.as("not-a-token").get("/v1/distributions");
    assertEquals(401, wrong.status());
    assertEquals("Unauthorized", wrong.errorCode());
    assertEquals(200, api.as(null).get("/v1/openapi.json").status());
  }

  @Test
  void readOnlyTokenReadsButCannotChange() {
    Api.Reply issued = api.post("/v1/tokens", new JsonObject().put("role", "read-only"));
    assertEquals(201, issued.status());
    Api.Reply listed = api.get("/v1/tokens");
    assertTrue(listed.json().encode().contains(issued.json().getString("id")));
    assertTrue(!listed.json().encode().contains(issued.json().getString("token")));
    Api.Reply nodeToken = api.post("/v1/tokens", new JsonObject().put("role", "node"));
    Api readOnly = api.as(issued.json().getString("token"));

    assertEquals(200, readOnly.get("/v1/distributions").status());
    Api.Reply forbidden = readOnly.post("/v1/distributions", distribution("site", "a.example"));
    assertEquals(403, forbidden.status());
    assertEquals("Forbidden", forbidden.errorCode());
    assertEquals(403, readOnly.get("/v1/tokens").status());
    Api node = api.as(nodeToken.json().getString("token"));
    assertEquals(403, node.get("/v1/distributions").status());
    assertEquals(204, node.get("/v1/nodes/stream?after=" + cp.configVersion()).status());

    assertEquals(204, api.delete("/v1/tokens/" + issued.json().getString("id"), null).status());
    assertEquals(401, readOnly.get("/v1/distributions").status());
  }

  @Test
  void everyMutationIsAudited() {
    Api.Reply created = api.post("/v1/distributions", distribution("site", "a.example"));
    Api.Reply updated =
        api.put("/v1/distributions/site", distribution("site", "b.example"), created.etag());
    assertEquals(204, api.delete("/v1/distributions/site", updated.etag()).status());
    JsonArray items = api.get("/v1/audit").json().getJsonArray("items");
    JsonObject delete = items.getJsonObject(0);
    JsonObject update = items.getJsonObject(1);
    JsonObject create = items.getJsonObject(2);
    assertEquals("delete", delete.getString("action"));
    assertEquals("update", update.getString("action"));
    assertEquals("create", create.getString("action"));
    assertEquals(created.etag(), "\"" + update.getString("oldEtag") + "\"");
    assertEquals(updated.etag(), "\"" + update.getString("newEtag") + "\"");
    assertNull(delete.getString("newEtag"));
    assertTrue(create.getString("actor").startsWith("token:T"), create.encode());
    assertEquals("distributions", create.getString("kind"));
  }

  @Test
  void listingIsPagedByMarker() {
    for (String id : List.of("a", "b", "c")) {
      assertEquals(
          201,
          api.post("/v1/cache-policies", new JsonObject().put("id", id).put("defaultTtl", 5))
              .status());
    }
    Api.Reply first = api.get("/v1/cache-policies?limit=2");
    assertEquals(2, first.json().getJsonArray("items").size());
    assertEquals("b", first.json().getString("nextMarker"));
    Api.Reply second = api.get("/v1/cache-policies?limit=2&marker=b");
    assertEquals(1, second.json().getJsonArray("items").size());
    assertEquals("c", second.json().getJsonArray("items").getJsonObject(0).getString("id"));
    assertNull(second.json().getString("nextMarker"));
    assertEquals(400, api.get("/v1/cache-policies?limit=0").status());
  }

  @Test
  void resourcesAndTokensSurviveARestart() throws Exception {
    Api.Reply created = api.post("/v1/distributions", distribution("site", "a.example"));
    long version = cp.configVersion();
    restart();
    assertEquals(version, cp.configVersion());
    Api.Reply read = api.get("/v1/distributions/site");
    assertEquals(200, read.status());
    assertEquals(created.etag(), read.etag());
    assertNull(cp.generatedAdminToken());
  }

  @Test
  void concurrentUpdatesWithTheSameEtagLetExactlyOneWin() throws Exception {
    String etag = api.post("/v1/distributions", distribution("site", "a.example")).etag();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String alias = "n" + i + ".example";
        Callable<Integer> update =
            () -> api.put("/v1/distributions/site", distribution("site", alias), etag).status();
        results.add(pool.submit(update));
      }
      int ok = 0;
      int stale = 0;
      for (Future<Integer> f : results) {
        int status = f.get();
        ok += status == 200 ? 1 : 0;
        stale += status == 412 ? 1 : 0;
      }
      assertEquals(1, ok);
      assertEquals(3, stale);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void invalidationPathsFollowCloudFrontRules() {
    assertEquals(201, api.post("/v1/distributions", distribution("site", "a.example")).status());
    Api.Reply bad =
        api.post(
            "/v1/distributions/site/invalidations",
            new JsonObject().put("paths", new JsonArray().add("/a*b").add("nope").add("/ok/*")));
    assertEquals(400, bad.status());
    JsonArray problems = bad.json().getJsonObject("error").getJsonArray("problems");
    assertEquals(2, problems.size());
    assertEquals("paths[0]", problems.getJsonObject(0).getString("field"));
    assertEquals("paths[1]", problems.getJsonObject(1).getString("field"));
    Api.Reply tagsWithoutHeader =
        api.post(
            "/v1/distributions/site/invalidations",
            new JsonObject().put("tags", new JsonArray().add("t")));
    assertEquals(400, tagsWithoutHeader.status());
    assertEquals(
        404,
        api.post(
                "/v1/distributions/none/invalidations",
                new JsonObject().put("paths", new JsonArray().add("/")))
            .status());

    Api.Reply ok =
        api.post(
            "/v1/distributions/site/invalidations",
            new JsonObject().put("paths", new JsonArray().add("/images/*")));
    assertEquals(201, ok.status());
    String id = ok.json().getString("id");
    assertTrue(id.startsWith("I"));
    assertEquals(
        "Completed",
        api.get("/v1/distributions/site/invalidations/" + id).json().getString("status"));
  }

  @Test
  void tooManyWildcardInvalidationsInProgressAreRefused() throws Exception {
    Sync.await(cp.close());
    baseOptions = baseOptions.withInvalidationQuotas(3000, 2);
    cp = Sync.await(ControlPlane.start(vertx, baseOptions));
    api = new Api("http://127.0.0.1:" + cp.port(), ADMIN);
    assertEquals(201, api.post("/v1/distributions", distribution("site", "a.example")).status());
    // A live node that has not applied anything keeps every invalidation in progress.
    assertEquals(
        200,
        api.post(
                "/v1/nodes",
                new JsonObject()
                    .put("id", "edge-1")
                    .put("role", "edge")
                    .put("address", "http://127.0.0.1:1"))
            .status());
    JsonObject twoWildcards =
        new JsonObject().put("paths", new JsonArray().add("/a/*").add("/b/*"));
    Api.Reply first = api.post("/v1/distributions/site/invalidations", twoWildcards);
    assertEquals(201, first.status());
    assertEquals("InProgress", first.json().getString("status"));
    Api.Reply refused =
        api.post(
            "/v1/distributions/site/invalidations",
            new JsonObject().put("paths", new JsonArray().add("/c/*")));
    assertEquals(400, refused.status());
    assertEquals("TooManyInvalidationsInProgress", refused.errorCode());

    // Once the node is silent past the threshold it no longer holds invalidations in progress.
    clock.advance(Duration.ofSeconds(16));
    assertEquals("down", api.get("/v1/nodes/edge-1").json().getString("state"));
    assertEquals(
        "Completed",
        api.get("/v1/distributions/site/invalidations/" + first.json().getString("id"))
            .json()
            .getString("status"));
    assertEquals(
        201,
        api.post(
                "/v1/distributions/site/invalidations",
                new JsonObject().put("paths", new JsonArray().add("/c/*")))
            .status());
  }

  @Test
  void distributionIsInProgressUntilEveryLiveNodeApplies() {
    api.post(
        "/v1/nodes",
        new JsonObject()
            .put("id", "edge-1")
            .put("role", "edge")
            .put("address", "http://127.0.0.1:1"));
    Api.Reply created = api.post("/v1/distributions", distribution("site", "a.example"));
    assertEquals("InProgress", created.json().getString("status"));
    assertEquals("InProgress", api.get("/v1/distributions/site").json().getString("status"));
    assertEquals("InProgress", api.get("/v1/status").json().getString("status"));
    long version = created.json().getLong("version");
    assertEquals(
        200,
        api.post("/v1/nodes/edge-1/heartbeat", new JsonObject().put("appliedVersion", version))
            .status());
    assertEquals("Deployed", api.get("/v1/distributions/site").json().getString("status"));
    JsonObject node = api.get("/v1/nodes").json().getJsonArray("items").getJsonObject(0);
    assertEquals(version, node.getLong("appliedVersion"));
    assertEquals("up", node.getString("state"));
    assertEquals(
        404,
        api.post("/v1/nodes/ghost/heartbeat", new JsonObject().put("appliedVersion", 1)).status());
    Api.Reply badNode =
        api.post(
            "/v1/nodes",
            new JsonObject().put("id", "bad node").put("role", "origin").put("address", "nowhere"));
    assertEquals(400, badNode.status());
    assertEquals(3, badNode.json().getJsonObject("error").getJsonArray("problems").size());
  }

  @Test
  void streamAnswersAtOnceWhenBehindAndWhenAChangeIsPublished() throws Exception {
    long v0 = cp.configVersion();
    Api.Reply behind = api.get("/v1/nodes/stream?after=" + (v0 + 100));
    assertEquals(200, behind.status());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Api.Reply> waiting = pool.submit(() -> api.get("/v1/nodes/stream?after=" + v0));
      Thread.sleep(200);
      assertTrue(!waiting.isDone());
      long start = System.nanoTime();
      api.post("/v1/distributions", distribution("site", "a.example"));
      Api.Reply update = waiting.get();
      assertEquals(200, update.status());
      assertEquals(v0 + 1, update.json().getLong("version"));
      assertEquals(
          "site",
          update
              .json()
              .getJsonObject("config")
              .getJsonArray("distributions")
              .getJsonObject(0)
              .getString("id"));
      // Answered by the publish, before the 3 s poll timeout would have answered 204 (the
      // one-second target is measured end to end in ControlPlaneFleetTest).
      assertTrue(System.nanoTime() - start < 3_000_000_000L);
    } finally {
      pool.shutdownNow();
    }
  }
}
