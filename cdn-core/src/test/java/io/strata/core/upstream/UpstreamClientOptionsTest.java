package io.strata.core.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.testing.Sync;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamClientOptionsTest {
  private static final int BODY = 64 * 1024;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Sync.await(vertx.close());
  }

  @Test
  void aBodyReachesTheFillInReadSizedPiecesRatherThanEightKibOnes() {
    HttpServer origin =
        Sync.await(
            vertx
                .createHttpServer()
                .requestHandler(req -> req.response().end(Buffer.buffer(new byte[BODY])))
                .listen(0, "127.0.0.1"));
    int port = origin.actualPort();
    int[] vertxDefault = pieces(vertx.createHttpClient(new HttpClientOptions()), port);
    int[] upstream = pieces(vertx.createHttpClient(UpstreamClientOptions.http1(5)), port);
    assertEquals(BODY, vertxDefault[1]);
    assertEquals(BODY, upstream[1]);
    assertTrue(
        vertxDefault[0] >= BODY / 8192, "Vert.x's default cuts at 8 KiB: " + vertxDefault[0]);
    assertTrue(
        upstream[0] < vertxDefault[0],
        "pieces: " + upstream[0] + " with the upstream options, " + vertxDefault[0] + " without");
  }

  /** {pieces the body handler saw, bytes} for one GET. */
  private static int[] pieces(HttpClient client, int port) {
    Promise<int[]> done = Promise.promise();
    client
        .request(HttpMethod.GET, port, "127.0.0.1", "/")
        .compose(req -> req.send())
        .onSuccess(
            response -> {
              int[] seen = new int[2];
              response.handler(
                  piece -> {
                    seen[0]++;
                    seen[1] += piece.length();
                  });
              response.endHandler(v -> done.complete(seen));
            })
        .onFailure(done::fail);
    Future<int[]> result = done.future();
    return Sync.await(result);
  }
}
