package io.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.core.config.ConfigLoader;
import io.strata.core.config.StrataConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  private static JsonObject distribution(JsonObject defaultBehavior) {
    return new JsonObject()
        .put("id", "site")
        .put("aliases", new JsonArray().add("a.example"))
        .put(
            "origins",
            new JsonArray().add(new JsonObject().put("id", "web").put("url", "http://127.0.0.1:1")))
        .put("defaultBehavior", defaultBehavior);
  }

  @Test
  void responseHeadersPolicyReferencedByIdReachesNodesAsATopLevelPolicy() {
    JsonObject policy =
        new JsonObject()
            .put("id", "secure")
            .put("comment", "operators' note, not for nodes")
            .put(
                "customHeaders",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("header", "X-Site")
                            .put("value", "strata")
                            .put("override", true)));
    JsonObject doc =
        new Snapshot(
                Map.of(
                    ResourceKind.DISTRIBUTION,
                    Map.of(
                        "site",
                        distribution(
                            new JsonObject()
                                .put("origin", "web")
                                .put("responseHeadersPolicyId", "secure"))),
                    ResourceKind.RESPONSE_HEADERS_POLICY,
                    Map.of("secure", policy)))
            .document();

    StrataConfig config = ConfigLoader.parse(doc.encode(), "snapshot.json");

    assertEquals(
        "secure", config.distributions().get(0).defaultBehavior().viewer().responseHeadersPolicy());
    assertEquals(
        "secure", doc.getJsonArray("responseHeadersPolicies").getJsonObject(0).getString("id"));
  }
}
