package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.routing.PathNormalizer;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated request targets against a real edge → regional → origin chain: the node never answers
 * 5xx or hangs for a hostile path, and whatever reaches the origin is exactly the canonical path
 * the behavior was matched with and the object was keyed on.
 */
class EdgePathFuzzTest {
  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static Tiers tiers;

  @BeforeContainer
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on(
                "/",
                req ->
                    req.response()
                        .putHeader("Cache-Control", "max-age=600")
                        .end("page " + req.path()));
    tiers = new Tiers(vertx, origin.url(), 1);
  }

  @AfterContainer
  static void stop() {
    tiers.close();
    origin.close();
    Sync.await(vertx.close());
  }

  @Provide
  Arbitrary<String> targets() {
    return Arbitraries.of(
            "/",
            "//",
            ".",
            "..",
            "%2e",
            "%2E",
            "%2f",
            "%5c",
            "\\",
            ";",
            ";x=1",
            "a",
            "B",
            "api",
            "text",
            "%00",
            "%0a",
            "%C0%AE",
            "%c3%a9",
            "%F0%9F%98%80",
            "%ED%A0%80",
            "%",
            "%4",
            "%zz",
            "~",
            "%7e",
            "%41",
            "%25",
            "?",
            "?q=1",
            "*",
            "\u00e9",
            "\"",
            "<",
            "{",
            "|",
            "^",
            "`",
            "@",
            ":")
        .list()
        .ofMaxSize(14)
        .map(parts -> "/" + String.join("", parts));
  }

  @Property(tries = 300)
  void hostilePathsAreAnsweredWithoutAServerErrorAndReachTheOriginCanonical(
      @ForAll("targets") String target) throws IOException {
    String[] answer = send(target);
    int status = Integer.parseInt(answer[0]);
    assertTrue(status < 500, target + " -> " + status);
    int query = target.indexOf('?');
    String rawPath = query < 0 ? target : target.substring(0, query);
    String canonical = PathNormalizer.normalize(rawPath);
    if (status == 200) {
      assertEquals("page " + canonical, answer[1], target);
    }
    if (canonical == null) {
      assertEquals(400, status, target);
    }
  }

  /** One request over a plain socket: {status, body}. */
  private static String[] send(String target) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", tiers.edge.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int headEnd = text.indexOf("\r\n\r\n");
      String body = text.substring(headEnd + 4);
      if (text.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (true) {
          int lineEnd = body.indexOf("\r\n", i);
          int size = Integer.parseInt(body.substring(i, lineEnd).trim(), 16);
          if (size == 0) {
            break;
          }
          plain.append(body, lineEnd + 2, lineEnd + 2 + size);
          i = lineEnd + 2 + size + 2;
        }
        body = plain.toString();
      }
      return new String[] {text.substring(9, 12), body};
    }
  }
}
