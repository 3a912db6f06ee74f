package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.server.StrataVertx;
import io.strata.core.signing.PemKeys;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cache poisoning and path aliasing against a real edge → regional → origin chain on loopback. The
 * origin reflects every header an attacker could use and the request body into its (cacheable)
 * response, so anything unkeyed that reached it would show up in what a clean viewer is served.
 */
class CachePoisoningTest {
  private static final KeyPair KEYS = PemKeys.generate(PemKeys.KeyType.EC);

  /** Headers that change what many origins render but are never part of Strata's cache key. */
  static final List<String> UNKEYED =
      List.of(
          "X-Forwarded-Host",
          "X-Forwarded-Scheme",
          "X-Forwarded-Proto",
          "X-Forwarded-Port",
          "X-Forwarded-Prefix",
          "X-Original-URL",
          "X-Rewrite-URL",
          "X-HTTP-Method-Override",
          "X-HTTP-Method",
          "X-Method-Override",
          "X-Host",
          "X-Forwarded-Server",
          "Forwarded",
          "Origin",
          "Referer",
          "Cookie",
          "Authorization",
          "Accept-Language",
          "User-Agent");

  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;
  private static TestClient viewer;
  private static final Queue<String> originSaw = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              StringBuilder reflected = new StringBuilder();
                              for (String name : UNKEYED) {
                                String value = req.getHeader(name);
                                if (value != null && !value.equals("Strata")) {
                                  reflected.append(name).append('=').append(value).append(';');
                                }
                              }
                              originSaw.add(
                                  req.method() + " " + req.uri() + " body=" + body.length());
                              req.response()
                                  .putHeader("Cache-Control", "max-age=600")
                                  .end(
                                      "page "
                                          + req.path()
                                          + " method="
                                          + req.method()
                                          + " reflected="
                                          + reflected
                                          + " body="
                                          + body);
                            }));
    for (String whoami : List.of("/whoami", "/api/whoami")) {
      origin.on(
          whoami,
          req ->
              req.response()
                  .putHeader("Cache-Control", "max-age=600")
                  .end("you are " + req.getHeader("X-Forwarded-For")));
    }
    origin.on(
        "/api/create",
        req ->
            req.response()
                .setStatusCode(201)
                .putHeader("Location", "/docs/%2e/invalidated.html")
                .end());
    tiers = new Tiers(vertx, config(origin.url()), 1, null);
    viewer = new TestClient(vertx, tiers.edge.port());
  }

  @AfterAll
  static void stop() {
    viewer.close();
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  @BeforeEach
  void clearLog() {
    originSaw.clear();
  }

  static String config(String originUrl) {
    return String.join(
        "\n",
        "publicKeys:",
        "  - id: KSIGNER",
        "    encodedKey: |",
        PrivateContentTest.indent(PemKeys.toPem(KEYS.getPublic()), 6),
        "keyGroups:",
        "  - id: signers",
        "    keys: [KSIGNER]",
        "distributions:",
        "  - id: site",
        "    aliases: [127.0.0.1, localhost]",
        "    origins: [{ id: web, url: \"" + originUrl + "\" }]",
        "    defaultBehavior:",
        "      origin: web",
        "      cachePolicy: { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 }",
        "    behaviors:",
        "      - pathPattern: /private/*",
        "        origin: web",
        "        trustedKeyGroups: [signers]",
        "      - pathPattern: /api/*",
        "        origin: web",
        "        allowedMethods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]",
        "        cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }",
        "      - pathPattern: '*.css'",
        "        origin: web",
        "        cachePolicy: { minTtl: 3600, defaultTtl: 86400, maxTtl: 604800 }",
        "");
  }

  private static MultiMap poisonHeaders() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String name : UNKEYED) {
      headers.add(name, "evil.example");
    }
    return headers;
  }

  @Test
  void unkeyedHeadersNeverReachTheOriginOfACachedBehavior() {
    Response poisoner = viewer.request(HttpMethod.GET, "/home.html", poisonHeaders(), null);
    assertEquals(200, poisoner.status());
    assertEquals("page /home.html method=GET reflected= body=", poisoner.text());

    Response clean = viewer.get("/home.html");
    assertEquals("Hit from strata", clean.header("X-Cache"));
    assertEquals("page /home.html method=GET reflected= body=", clean.text());
    assertEquals(1, origin.hits("/home.html"));
  }

  @Test
  void viewersForwardedForNeverReachesACachedFetch() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "<script>evil</script>");
    Response poisoner = viewer.request(HttpMethod.GET, "/whoami", headers, null);
    assertEquals("you are 127.0.0.1, 127.0.0.1", poisoner.text());
    assertEquals("you are 127.0.0.1, 127.0.0.1", viewer.get("/whoami").text());
    // Passed through uncached, the viewer's value is kept and appended to, as CloudFront does.
    Response passed = viewer.request(HttpMethod.GET, "/api/whoami", headers, null);
    assertEquals("you are <script>evil</script>, 127.0.0.1, 127.0.0.1", passed.text());
    // ...and the response is not stored: the next viewer's request reaches the origin again.
    assertEquals("you are 127.0.0.1, 127.0.0.1", viewer.get("/api/whoami").text());
  }

  @Test
  void methodOverrideHeaderDoesNotTurnACachedGetIntoAnotherMethod() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("X-HTTP-Method-Override", "DELETE")
            .add("X-HTTP-Method", "PUT")
            .add("X-Method-Override", "POST");
    Response response = viewer.request(HttpMethod.GET, "/override.html", headers, null);
    assertEquals("page /override.html method=GET reflected= body=", response.text());
    assertEquals(List.of("GET /override.html body=0"), List.copyOf(originSaw));
  }

  @Test
  void passThroughBehaviorForwardsViewerHeadersButNeverStoresTheResponse() {
    Response first = viewer.request(HttpMethod.GET, "/api/me", poisonHeaders(), null);
    assertTrue(first.text().contains("X-Forwarded-Host=evil.example;"), first.text());
    Response clean = viewer.get("/api/me");
    assertEquals("page /api/me method=GET reflected= body=", clean.text());
    assertEquals(2, origin.hits("/api/me"));
  }

  @Test
  void fatGetAndHeadBodiesAreNeitherForwardedNorKeyed() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain");
    Response fat =
        viewer.request(HttpMethod.GET, "/fat.html", headers, Buffer.buffer("poisoned-body"));
    assertEquals(200, fat.status());
    assertEquals("page /fat.html method=GET reflected= body=", fat.text());
    Response fatHead =
        viewer.request(HttpMethod.HEAD, "/fat.html", headers, Buffer.buffer("poisoned-body"));
    assertEquals(200, fatHead.status());
    assertEquals("Hit from strata", fatHead.header("X-Cache"));
    Response clean = viewer.get("/fat.html");
    assertEquals("page /fat.html method=GET reflected= body=", clean.text());
    // Passed through uncached, a fat GET loses its body (and its Content-Length) as well.
    Response passed =
        viewer.request(HttpMethod.GET, "/api/fat", headers, Buffer.buffer("poisoned-body"));
    assertEquals("page /api/fat method=GET reflected= body=", passed.text());
    assertEquals(200, viewer.get("/api/after-fat").status(), "the connection is still in step");
    assertEquals(
        List.of("GET /fat.html body=0", "GET /api/fat body=0", "GET /api/after-fat body=0"),
        List.copyOf(originSaw));
  }

  @Test
  void spellingsOfOnePathShareOneEntryAndReachTheOriginCanonical() {
    List<String> spellings =
        List.of(
            "/docs/a.html",
            "/docs/./a.html",
            "/docs//a.html",
            "//docs/a.html",
            "/x/../docs/a.html",
            "/docs/b/../a.html",
            "/%64ocs/%61.html",
            "/docs/%2e/a.html",
            "/docs/%2E%2E/docs/a.html");
    for (String spelling : spellings) {
      Response response = raw(spelling);
      assertEquals(200, response.status(), spelling);
      assertEquals("page /docs/a.html method=GET reflected= body=", response.text(), spelling);
    }
    assertEquals(List.of("GET /docs/a.html body=0"), List.copyOf(originSaw));
  }

  @Test
  void encodedSlashIsKeptEncodedAndKeyedApartFromARealSlash() {
    assertEquals("page /files/a%2Fb method=GET reflected= body=", raw("/files/a%2fb").text());
    assertEquals("Hit from strata", raw("/files/a%2Fb").header("X-Cache"));
    assertEquals("page /files/a/b method=GET reflected= body=", raw("/files/a/b").text());
    assertEquals(
        List.of("GET /files/a%2Fb body=0", "GET /files/a/b body=0"), List.copyOf(originSaw));
  }

  @Test
  void signedPathCannotBeReachedThroughAnAlias() {
    // Normalised onto the signed behavior: refused for the missing signature.
    for (String alias :
        List.of(
            "/private/x",
            "//private/x",
            "/public/../private/x",
            "/public/%2e%2e/private/x",
            "/%70rivate/x",
            "/./private/x")) {
      Response response = raw(alias);
      assertEquals(403, response.status(), alias);
      assertTrue(response.text().contains("<Code>MissingKey</Code>"), alias);
    }
    // Spellings another reader would resolve to /private/x: refused before routing.
    for (String alias :
        List.of(
            "/public/..%2fprivate/x",
            "/public/..%2Fprivate/x",
            "/public/%2e%2e%2fprivate/x",
            "/public/..%5cprivate/x",
            "/public/..;/private/x",
            "/public\\..\\private\\x",
            "/private;jsessionid=1/x",
            "/PRIVATE/x",
            "/Private/x")) {
      Response response = raw(alias);
      assertEquals(400, response.status(), alias);
      assertEquals("Error from strata", response.header("X-Cache"), alias);
    }
    assertFalse(originSaw.stream().anyMatch(line -> line.contains("rivate")), originSaw.toString());
  }

  @Test
  void semicolonCannotMoveAPageIntoALongerCachedBehavior() {
    // Web cache deception: Tomcat serves /account for /account;.css, which *.css would cache.
    Response response = raw("/account;.css");
    assertEquals(400, response.status());
    assertEquals(0, origin.hits("/account;.css") + origin.hits("/account"));
    // A parameter that does not change the behavior is an ordinary path.
    assertEquals(200, raw("/docs;v=2/a.html").status());
  }

  @Test
  void unsafeRequestInvalidatesTheCanonicalPathOfItsLocation() {
    assertEquals("Miss from strata", raw("/docs/invalidated.html").header("X-Cache"));
    assertEquals("Hit from strata", raw("/docs//invalidated.html").header("X-Cache"));
    Response created = viewer.request(HttpMethod.POST, "/api/create", null, Buffer.buffer("{}"));
    assertEquals(201, created.status());
    assertEquals("Miss from strata", raw("/docs/invalidated.html").header("X-Cache"));
  }

  @Test
  void absoluteFormTargetReachesTheOriginAsItsCanonicalPath() {
    assertEquals(200, raw("http://127.0.0.1/api/abs?x=1").status());
    assertEquals(200, raw("http://127.0.0.1/api/./abs?x=2").status());
    assertEquals(
        List.of("GET /api/abs?x=1 body=0", "GET /api/abs?x=2 body=0"), List.copyOf(originSaw));
  }

  @Test
  void malformedPathsAreRefusedWith400AndNeverForwarded() {
    for (String target :
        List.of(
            "/a%00.html",
            "/a%0d%0aSet-Cookie:%20x=1",
            "/a%zz",
            "/a%C0%AE%C0%AE/private/x",
            "/a%C0%AFprivate",
            "/a%E0%80%AE",
            "/a%FF")) {
      Response response = raw(target);
      assertEquals(400, response.status(), target);
      assertTrue(response.text().contains("malformed or ambiguous"), target);
    }
    assertEquals(List.of(), List.copyOf(originSaw));
    String metrics = tiers.registry.scrape();
    assertTrue(metrics.contains("strata_path_rejections_total{"), "metric is exported");
    assertTrue(metrics.contains("reason=\"invalid_utf8\""), metrics);
  }

  /** One request over a plain socket, so the request target reaches the edge byte for byte. */
  private static Response raw(String target) {
    try (Socket socket = new Socket("127.0.0.1", tiers.edge.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      String head = text.substring(0, headEnd);
      int status = Integer.parseInt(head.substring(9, 12));
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && !line.startsWith("HTTP/")) {
          headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
      }
      String body = text.substring(headEnd + 4);
      if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
        body = dechunk(body);
      }
      return new Response(status, headers, Buffer.buffer(body));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", i);
      int size = Integer.parseInt(chunked.substring(i, lineEnd).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      i = lineEnd + 2 + size + 2;
    }
  }
}
