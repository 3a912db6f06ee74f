package io.strata.dist;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.control.ControlPlane;
import io.strata.control.ControlPlaneOptions;
import io.strata.core.config.StrataConfig;
import io.strata.core.control.NodeAgent;
import io.strata.core.routing.Router;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ListenOptions;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.Sync;
import io.strata.core.time.Clock;
import io.strata.dist.cli.AdminClient;
import io.strata.edge.EdgeNode;
import io.strata.regional.RegionalNode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A control plane, regional nodes and edge nodes on loopback, each in its own Vert.x instance (as
 * separate processes would be), the nodes following the control plane.
 */
final class Fleet implements AutoCloseable {
  static final String TOKEN = "fleet-admin-token-abcdefghijklmnop";

  /** One running node: its Vert.x, server and agent. */
  record Member(String id, Vertx vertx, CacheNode node, NodeAgent agent) {
    String url() {
      return "http://127.0.0.1:" + node.port();
    }
  }

  final Path dir;
  final Vertx cpVertx = StrataVertx.create();
  ControlPlane cp;
  int cpPort;
  final List<Member> regionals = new ArrayList<>();
  final List<Member> edges = new ArrayList<>();
  AdminClient api;

  Fleet(Path dir, int regionalCount, int edgeCount) {
    this.dir = dir;
    startControlPlane(0);
    for (int i = 0; i < regionalCount; i++) {
      regionals.add(startRegional("regional-" + i, 0));
    }
    for (int i = 0; i < edgeCount; i++) {
      edges.add(startEdge("edge-" + i, 0));
    }
    awaitRegistered();
  }

  /** Waits until every node has registered with the control plane. */
  void awaitRegistered() {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!all().stream().allMatch(m -> m.agent().connected())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("nodes did not register within 10 s");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  void startControlPlane(int port) {
    cp =
        Sync.await(
            ControlPlane.start(
                cpVertx,
                ControlPlaneOptions.defaults(dir.resolve("cp"))
                    .withListen("127.0.0.1", port)
                    .withAdminToken(TOKEN)
                    .withTimings(10_000, 15_000)));
    cpPort = cp.port();
    api = new AdminClient(URI.create("http://127.0.0.1:" + cpPort), TOKEN);
  }

  void stopControlPlane() {
    Sync.await(cp.close());
  }

  Member startRegional(String id, int port) {
    Vertx v = StrataVertx.create();
    CacheNode node =
        Sync.await(
            RegionalNode.start(
                v,
                id,
                new ListenOptions("127.0.0.1", port, 1),
                32L << 20,
                4L << 20,
                emptyRouter(),
                new SimpleMeterRegistry(),
                Clock.SYSTEM));
    return new Member(id, v, node, follow(v, id, "regional", node));
  }

  Member startEdge(String id, int port) {
    Vertx v = StrataVertx.create();
    List<URI> regionalUrls = new ArrayList<>();
    regionals.forEach(r -> regionalUrls.add(URI.create(r.url())));
    CacheNode node =
        Sync.await(
            EdgeNode.start(
                v,
                id,
                new ListenOptions("127.0.0.1", port, 1),
                32L << 20,
                4L << 20,
                regionalUrls,
                emptyRouter(),
                new SimpleMeterRegistry(),
                Clock.SYSTEM));
    return new Member(id, v, node, follow(v, id, "edge", node));
  }

  private NodeAgent follow(Vertx v, String id, String role, CacheNode node) {
    return Sync.await(
        NodeAgent.start(
            v,
            new NodeAgent.Settings(
                URI.create("http://127.0.0.1:" + cpPort),
                TOKEN,
                id,
                role,
                "http://127.0.0.1:" + node.port(),
                "test",
                dir.resolve("nodes").resolve(id + ".json"),
                200,
                100,
                null),
            node,
            new SimpleMeterRegistry()));
  }

  /** Stops a node's agent, server and Vert.x, as a process exit would. */
  static void stop(Member m) {
    Sync.await(m.agent().stop());
    Sync.await(m.vertx().close());
  }

  List<Member> all() {
    List<Member> all = new ArrayList<>(regionals);
    all.addAll(edges);
    return all;
  }

  static Router emptyRouter() {
    return new Router(new StrataConfig(List.of()));
  }

  /** Waits until every node has applied {@code version}; returns the milliseconds it took. */
  long awaitApplied(long version, long timeoutMillis) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      boolean all = true;
      for (Member m : all()) {
        all &= m.agent().appliedVersion() >= version;
      }
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      if (all) {
        return elapsed;
      }
      if (elapsed > timeoutMillis) {
        throw new AssertionError(
            "nodes did not apply version " + version + " in " + timeoutMillis + " ms");
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    for (Member m : all()) {
      try {
        stop(m);
      } catch (RuntimeException e) {
        // already stopped by the test
      }
    }
    try {
      Sync.await(cp.close());
    } catch (RuntimeException e) {
      // already stopped by the test
    }
    Sync.await(cpVertx.close());
  }
}
