package io.strata.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.core.server.CacheNode;
import io.strata.core.server.ConnectionLimits;
import io.strata.core.server.StrataVertx;
import io.strata.core.testing.ScriptedOrigin;
import io.strata.core.testing.Sync;
import io.strata.core.testing.TestClient;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 abuse over cleartext prior knowledge, with frames written by hand: rapid reset and a
 * CONTINUATION flood end in GOAWAY and a closed connection, while the node keeps serving others.
 */
class Http2AttacksTest {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int GOAWAY = 7;
  private static final int CONTINUATION = 9;
  private static final int END_STREAM = 1;
  private static final int END_HEADERS = 4;

  private static Vertx vertx;
  private static ScriptedOrigin origin;
  private static CacheNode edge;

  @BeforeAll
  static void start() {
    vertx = StrataVertx.create();
    origin =
        new ScriptedOrigin(vertx)
            .on("/", req -> req.response().putHeader("Cache-Control", "max-age=60").end("ok"));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    edge = ProtocolAttacksTest.startEdge(vertx, origin.url(), registry, ConnectionLimits.DEFAULT);
  }

  @AfterAll
  static void stop() {
    Sync.await(edge.close());
    origin.close();
    Sync.await(vertx.close());
  }

  /** HPACK for GET {@code path} on 127.0.0.1, without touching the dynamic table. */
  private static byte[] get(String path) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x82); // :method GET
    block.write(0x86); // :scheme http
    block.write(0x04); // :path, literal without indexing
    block.write(path.length());
    block.writeBytes(path.getBytes(StandardCharsets.US_ASCII));
    block.write(0x01); // :authority, literal without indexing
    block.write(9);
    block.writeBytes("127.0.0.1".getBytes(StandardCharsets.US_ASCII));
    return block.toByteArray();
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload)
      throws IOException {
    out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8)});
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(new byte[] {(byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8)});
    out.write(stream);
    out.write(payload);
  }

  /** The types of the frames the edge sends until it closes the connection (or 5 s pass). */
  private static List<Integer> framesUntilClosed(Socket socket) throws IOException {
    List<Integer> types = new ArrayList<>();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    try {
      while (true) {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        in.readInt();
        in.skipNBytes(length);
        types.add(type);
      }
    } catch (EOFException | SocketException closed) {
      return types;
    } catch (SocketTimeoutException open) {
      throw new AssertionError("connection still open; frames: " + types);
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", edge.port());
    socket.setSoTimeout(5000);
    OutputStream out = socket.getOutputStream();
    out.write(PREFACE);
    frame(out, SETTINGS, 0, 0, new byte[0]);
    return socket;
  }

  @Test
  void cleartextHttp2PassesTheWireAndIsServed() throws Exception {
    try (Socket socket = connect()) {
      frame(socket.getOutputStream(), HEADERS, END_HEADERS | END_STREAM, 1, get("/h2/plain"));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int status = -1;
      while (status < 0) {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt();
        byte[] payload = in.readNBytes(length);
        if (type == HEADERS && stream == 1) {
          // Skip the pad length and the priority fields when the flags say they are there.
          int at = ((flags & 0x8) != 0 ? 1 : 0) + ((flags & 0x20) != 0 ? 5 : 0);
          status = payload[at] & 0xFF;
        }
      }
      assertEquals(0x88, status, ":status 200 (HPACK static index 8)");
    }
    assertEquals(1, origin.hits("/h2/plain"));
  }

  @Test
  void cleartextUpgradeToHttp2PassesTheWireAndIsServed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", edge.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /h2/upgrade HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                  + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.readUnsignedByte());
      }
      assertTrue(
          head.toString().startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head.toString());
      out.write(PREFACE);
      frame(out, SETTINGS, 0, 0, new byte[0]);
      // The upgraded request is stream 1; its answer comes as HTTP/2 frames.
      boolean answered = false;
      while (!answered) {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        int stream = in.readInt();
        in.skipNBytes(length);
        answered = type == HEADERS && stream == 1;
      }
    }
    assertEquals(1, origin.hits("/h2/upgrade"));
  }

  @Test
  void rapidResetEndsInGoawayAndTheNodeKeepsServing() throws Exception {
    try (Socket socket = connect()) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (int i = 0; i < 1000; i++) {
        int stream = 2 * i + 1;
        frame(burst, HEADERS, END_HEADERS | END_STREAM, stream, get("/h2/reset"));
        frame(burst, RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8});
      }
      try {
        socket.getOutputStream().write(burst.toByteArray());
      } catch (SocketException closedEarly) {
        // The edge may close before the whole burst is written.
      }
      List<Integer> frames = framesUntilClosed(socket);
      assertTrue(frames.contains(GOAWAY), "frames: " + frames);
    }
    assertServing();
  }

  @Test
  void continuationFloodEndsInGoawayAndTheNodeKeepsServing() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      byte[] head = get("/h2/flood");
      frame(out, HEADERS, END_STREAM, 1, head);
      byte[] junk = new byte[4096];
      // A literal header: name "x-flood", a value longer than any header list allowed, sent in
      // CONTINUATION frames that never end.
      junk[0] = 0x00;
      try {
        for (int i = 0; i < 2_000; i++) {
          frame(out, CONTINUATION, 0, 1, junk);
        }
      } catch (SocketException closedEarly) {
        // Expected: the edge gives up long before 8 MB of header block.
      }
      List<Integer> frames = framesUntilClosed(socket);
      assertTrue(frames.contains(GOAWAY), "frames: " + frames);
    }
    assertEquals(0, origin.hits("/h2/flood"));
    assertServing();
  }

  private static void assertServing() {
    try (TestClient other = new TestClient(vertx, edge.port())) {
      assertEquals(200, other.get("/h2/after").status());
    }
  }
}
