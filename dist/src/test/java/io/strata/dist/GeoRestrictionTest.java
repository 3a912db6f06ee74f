package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.config.ConfigLoader;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.EdgeOptions;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.MmdbWriter;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.strata.core.testing.TestClient.Response;
import io.strata.core.time.ManualClock;
import io.strata.core.viewer.CountryLookup;
import io.strata.core.viewer.ViewerPipeline;
import io.strata.edge.EdgeNode;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Geo restriction at a real edge, with a MaxMind database the test writes itself. */
class GeoRestrictionTest {
  @TempDir Path dir;

  @Test
  void allowAndBlockListsFollowTheViewersCountry() throws Exception {
    Path database = dir.resolve("countries.mmdb");
    // The test's viewer connects from 127.0.0.1: make loopback "France".
    new MmdbWriter().country("127.0.0.0/8", "FR").country("::1/128", "FR").write(database);
    Vertx vertx = StrataVertx.create();
    try (ScriptedOrigin origin =
        new ScriptedOrigin(vertx).on("/", req -> req.response().end("ok " + req.path()))) {
      String origins = "    origins: [{ id: web, url: \"" + origin.url() + "\" }]";
      String yaml =
          String.join(
              "\n",
              "distributions:",
              "  - id: france-only",
              "    aliases: [fr.test]",
              origins,
              "    defaultBehavior: { origin: web }",
              "    restrictions: { geoRestriction: { restrictionType: whitelist, locations: [FR,"
                  + " BE] } }",
              "  - id: germany-only",
              "    aliases: [de.test]",
              origins,
              "    defaultBehavior: { origin: web }",
              "    restrictions: { geoRestriction: { restrictionType: allow, locations: [de] } }",
              "  - id: not-in-france",
              "    aliases: [nofr.test]",
              origins,
              "    defaultBehavior: { origin: web }",
              "    restrictions: { geoRestriction: { restrictionType: blacklist, locations: [FR] }"
                  + " }",
              "");
      CacheNode edge =
          Sync.await(
              EdgeNode.start(
                  vertx,
                  "edge-geo",
                  new ListenOptions("127.0.0.1", 0, 1),
                  8L << 20,
                  1L << 20,
                  List.of(),
                  new Router(ConfigLoader.parse(yaml, "geo.yaml")),
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                  new ManualClock(),
                  new EdgeOptions(
                      null,
                      ViewerPipeline.DEFAULT_MAX_CONNECTIONS,
                      CountryLookup.maxMind(database.toFile()))));
      try (TestClient viewer = new TestClient(vertx, edge.port())) {
        assertEquals(200, get(viewer, "fr.test", "/a").status());
        assertEquals(403, get(viewer, "de.test", "/b").status());
        Response blocked = get(viewer, "nofr.test", "/c");
        assertEquals(403, blocked.status());
        assertEquals("Error from strata", blocked.header("X-Cache"));
        assertEquals(0, origin.hits("/b") + origin.hits("/c"));
      } finally {
        Sync.await(edge.close());
      }
    } finally {
      Sync.await(vertx.close());
    }
  }

  private static Response get(TestClient viewer, String host, String path) {
    return viewer.request(
        HttpMethod.GET, path, MultiMap.caseInsensitiveMultiMap().add("Host", host), null);
  }
}
