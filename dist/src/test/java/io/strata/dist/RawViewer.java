package io.strata.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A viewer on a raw socket, for requests no well-behaved client would send. */
final class RawViewer implements AutoCloseable {
  final Socket socket;

  RawViewer(int port) throws IOException {
    this("127.0.0.1", port);
  }

  /** Connects from {@code source} (any loopback address) to 127.0.0.1:{@code port}. */
  RawViewer(String source, int port) throws IOException {
    socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    socket.setSoTimeout(5000);
  }

  RawViewer send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /** Everything until the edge closes the connection; fails after 5 s of silence. */
  String readToEnd() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = in.read(chunk)) != -1; ) {
        all.write(chunk, 0, n);
      }
    } catch (SocketException reset) {
      // A reset after the answer counts as closed.
    } catch (SocketTimeoutException silence) {
      throw new AssertionError(
          "the connection stayed open; read so far: " + all.toString(StandardCharsets.ISO_8859_1));
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  /** One response with a {@code Content-Length} body, leaving the connection open. */
  String readResponse() throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        throw new AssertionError("closed after: " + head);
      }
      head.append((char) b);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
