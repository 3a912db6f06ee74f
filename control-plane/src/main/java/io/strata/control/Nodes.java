package io.strata.control;

import io.strata.core.time.Clock;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The registered edge and regional nodes: what each has applied and when it was last heard from. A
 * node silent for longer than {@code downAfterMillis} is {@code down}: it no longer holds back the
 * {@code Deployed}/{@code Completed} status of changes. Blocking JDBC; call from a worker.
 */
final class Nodes {
  /** One node as stored. */
  record Node(
      String id,
      String role,
      String address,
      String softwareVersion,
      long appliedVersion,
      long registeredAt,
      long lastHeartbeat,
      long rejectedVersion,
      String rejection) {

    /** Whether the node refused a version newer than the one it serves. */
    boolean rejecting() {
      return rejectedVersion > appliedVersion;
    }

    JsonObject toJson(boolean live) {
      JsonObject json =
          new JsonObject()
              .put("id", id)
              .put("role", role)
              .put("address", address)
              .put("softwareVersion", softwareVersion)
              .put("appliedVersion", appliedVersion)
              .put("registeredAt", java.time.Instant.ofEpochMilli(registeredAt).toString())
              .put("lastHeartbeat", java.time.Instant.ofEpochMilli(lastHeartbeat).toString())
              .put("state", live ? "up" : "down")
              .put("configState", rejecting() ? "Rejected" : "Applied");
      if (rejecting()) {
        json.put("rejectedVersion", rejectedVersion).put("rejection", rejection);
      }
      return json;
    }
  }

  private final Clock clock;
  private final long downAfterMillis;

  Nodes(Clock clock, long downAfterMillis) {
    this.clock = clock;
    this.downAfterMillis = downAfterMillis;
  }

  boolean isLive(Node node) {
    return clock.millis() - node.lastHeartbeat() <= downAfterMillis;
  }

  void register(Connection c, String id, String role, String address, String software, long applied)
      throws SQLException {
    long now = clock.millis();
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE strata_nodes SET role = ?, address = ?, software_version = ?,"
                + " applied_version = ?, last_heartbeat = ? WHERE id = ?")) {
      u.setString(1, role);
      u.setString(2, address);
      u.setString(3, software);
      u.setLong(4, applied);
      u.setLong(5, now);
      u.setString(6, id);
      if (u.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement i =
        c.prepareStatement(
            "INSERT INTO strata_nodes (id, role, address, software_version, applied_version,"
                + " registered_at, last_heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      i.setString(1, id);
      i.setString(2, role);
      i.setString(3, address);
      i.setString(4, software);
      i.setLong(5, applied);
      i.setLong(6, now);
      i.setLong(7, now);
      i.executeUpdate();
    }
  }

  /** Records a heartbeat that says nothing of refused versions (a poll of the stream). */
  boolean heartbeat(Connection c, String id, long applied) throws SQLException {
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE strata_nodes SET applied_version = ?, last_heartbeat = ? WHERE id = ?")) {
      u.setLong(1, applied);
      u.setLong(2, clock.millis());
      u.setString(3, id);
      return u.executeUpdate() == 1;
    }
  }

  /**
   * Records a heartbeat with the node's applied version and the last version it refused (0 and null
   * for none); false when the node is unknown (it must register again).
   */
  boolean heartbeat(Connection c, String id, long applied, long rejected, String rejection)
      throws SQLException {
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE strata_nodes SET applied_version = ?, last_heartbeat = ?,"
                + " rejected_version = ?, rejection = ? WHERE id = ?")) {
      u.setLong(1, applied);
      u.setLong(2, clock.millis());
      u.setLong(3, rejected);
      u.setString(4, rejection);
      u.setString(5, id);
      return u.executeUpdate() == 1;
    }
  }

  List<Node> all(Connection c) throws SQLException {
    List<Node> nodes = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT id, role, address, software_version, applied_version, registered_at,"
                    + " last_heartbeat, rejected_version, rejection FROM strata_nodes ORDER BY id");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        nodes.add(
            new Node(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getLong(7),
                rs.getLong(8),
                rs.getString(9)));
      }
    }
    return nodes;
  }

  /**
   * The lowest version applied by a live node, or {@link Long#MAX_VALUE} when no node is live (a
   * change with no node to wait for counts as deployed).
   */
  long lowestLiveApplied(Connection c) throws SQLException {
    long lowest = Long.MAX_VALUE;
    for (Node n : all(c)) {
      if (isLive(n)) {
        lowest = Math.min(lowest, n.appliedVersion());
      }
    }
    return lowest;
  }
}
