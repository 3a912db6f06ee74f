package io.strata.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAgentSnapshotTest {
  @TempDir Path dir;

  private static JsonObject config() {
    return new JsonObject(
        "{\"distributions\":[{\"id\":\"site\",\"aliases\":[\"a.example\"],"
            + "\"origins\":[{\"id\":\"web\",\"url\":\"http://127.0.0.1:1\"}],"
            + "\"defaultBehavior\":{\"origin\":\"web\"}}]}");
  }

  @Test
  void writtenSnapshotIsReadBackWithItsVersion() throws Exception {
    Path file = dir.resolve("nodes/edge-1.json");
    NodeAgent.writeSnapshot(file, 42, config());
    NodeAgent.Persisted p = NodeAgent.readSnapshot(file);
    assertEquals(42, p.version());
    assertEquals("site", p.config().distributions().get(0).id());
    try (var files = Files.list(file.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void missingOrCorruptSnapshotIsIgnored() throws Exception {
    assertNull(NodeAgent.readSnapshot(dir.resolve("none.json")));
    Path corrupt = dir.resolve("corrupt.json");
    Files.writeString(corrupt, "{\"version\": 3, \"config\": {\"distributions\": [{\"id\": 5}]}}");
    assertNull(NodeAgent.readSnapshot(corrupt));
    Files.writeString(corrupt, "not json");
    assertNull(NodeAgent.readSnapshot(corrupt));
  }
}
