package io.strata.core.server.netty;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads one complete request head from the start of a buffer and accepts it only when it is simple:
 * {@code GET} or {@code HEAD}, {@code HTTP/1.1}, a target made of path characters only (no query,
 * {@code %}, {@code ;}, {@code //} or dot segment), and no header but {@code Host} (a lower case
 * name with an optional port), {@code User-Agent}, {@code Accept}, {@code Accept-Language}, {@code
 * Accept-Encoding} and {@code Connection: keep-alive}, each at most once, with visible ASCII
 * values. Anything else, a head split across reads included, is left to the HTTP server: the hit
 * fast path only ever sees requests no viewer stage, conditional or range logic would look at.
 *
 * <p>Per connection, on its event loop. The strings of the last request (path, host,
 * Accept-Encoding) are kept and reused when the next request repeats them, so a keep-alive
 * connection asking for the same object allocates nothing here.
 */
final class SimpleHead {
  /** Longer heads are left to the HTTP server and its line and header size limits. */
  static final int MAX_HEAD_BYTES = 4096;

  private static final byte[] HTTP11 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final boolean[] PATH = new boolean[256];
  private static final boolean[] TCHAR = new boolean[256];
  private static final boolean[] HOST = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      PATH[c] = TCHAR[c] = HOST[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      PATH[c] = TCHAR[c] = HOST[c] = true;
      PATH[c - 32] = TCHAR[c - 32] = true;
    }
    for (char c : "-._~!$&'()*+,=:@/".toCharArray()) {
      PATH[c] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
    HOST['-'] = HOST['.'] = true;
  }

  private static final int HOST_FIELD = 1;
  private static final int USER_AGENT = 2;
  private static final int ACCEPT = 4;
  private static final int ACCEPT_LANGUAGE = 8;
  private static final int ACCEPT_ENCODING = 16;
  private static final int CONNECTION = 32;

  private final int maxHeaders;
  private boolean head;
  private String path;
  private String host;
  private String acceptEncoding;

  SimpleHead(int maxHeaders) {
    this.maxHeaders = maxHeaders;
  }

  boolean isHead() {
    return head;
  }

  String path() {
    return path;
  }

  String host() {
    return host;
  }

  /** The value, or {@code null} when the request had none. */
  String acceptEncoding() {
    return acceptEncoding;
  }

  /**
   * Reads {@code buf[from, to)} without moving its indexes.
   *
   * @return the index just after the head when a complete simple head starts at {@code from}, else
   *     -1
   */
  int read(ByteBuf buf, int from, int to) {
    int limit = Math.min(to, from + MAX_HEAD_BYTES);
    int i = from;
    if (matches(buf, i, limit, "GET /")) {
      head = false;
      i += 4;
    } else if (matches(buf, i, limit, "HEAD /")) {
      head = true;
      i += 5;
    } else {
      return -1;
    }
    int pathStart = i;
    int previous = -1;
    int segmentStart = i;
    while (i < limit) {
      int b = buf.getByte(i) & 0xFF;
      if (b == ' ') {
        break;
      }
      if (!PATH[b]) {
        return -1;
      }
      if (b == '/') {
        if (previous == '/' || dotSegment(buf, segmentStart, i)) {
          return -1;
        }
        segmentStart = i + 1;
      }
      previous = b;
      i++;
    }
    if (i >= limit || dotSegment(buf, segmentStart, i)) {
      return -1;
    }
    int pathEnd = i;
    if (!matchesBytes(buf, i, limit, HTTP11)) {
      return -1;
    }
    i += HTTP11.length;
    int seen = 0;
    int fields = 0;
    int hostStart = -1;
    int hostEnd = -1;
    int aeStart = -1;
    int aeEnd = -1;
    while (true) {
      if (i + 1 >= limit) {
        return -1;
      }
      if (buf.getByte(i) == '\r') {
        if (buf.getByte(i + 1) != '\n') {
          return -1;
        }
        i += 2;
        break;
      }
      if (++fields > maxHeaders) {
        return -1;
      }
      int nameStart = i;
      while (i < limit && TCHAR[buf.getByte(i) & 0xFF]) {
        i++;
      }
      if (i >= limit || buf.getByte(i) != ':' || i == nameStart) {
        return -1;
      }
      int field = field(buf, nameStart, i);
      if (field == 0 || (seen & field) != 0) {
        return -1;
      }
      seen |= field;
      i++;
      while (i < limit && (buf.getByte(i) == ' ' || buf.getByte(i) == '\t')) {
        i++;
      }
      int valueStart = i;
      int valueEnd = i;
      while (i < limit) {
        int b = buf.getByte(i) & 0xFF;
        if (b == '\r') {
          break;
        }
        if (b != ' ' && b != '\t' && (b < 0x21 || b > 0x7E)) {
          return -1;
        }
        i++;
        if (b != ' ' && b != '\t') {
          valueEnd = i;
        }
      }
      if (i + 1 >= limit || buf.getByte(i + 1) != '\n') {
        return -1;
      }
      i += 2;
      if (field == HOST_FIELD) {
        hostStart = valueStart;
        hostEnd = hostEnd(buf, valueStart, valueEnd);
        if (hostEnd < 0) {
          return -1;
        }
      } else if (field == ACCEPT_ENCODING) {
        aeStart = valueStart;
        aeEnd = valueEnd;
      } else if (field == CONNECTION
          && !equalsIgnoreCase(buf, valueStart, valueEnd, "keep-alive")) {
        return -1;
      }
    }
    if (hostStart < 0) {
      return -1;
    }
    path = reuse(path, buf, pathStart, pathEnd);
    host = reuse(host, buf, hostStart, hostEnd);
    acceptEncoding = aeStart < 0 ? null : reuse(acceptEncoding, buf, aeStart, aeEnd);
    return i;
  }

  /** Where the host name of a {@code Host} value ends (before {@code :port}), or -1. */
  private static int hostEnd(ByteBuf buf, int from, int to) {
    int i = from;
    while (i < to && HOST[buf.getByte(i) & 0xFF]) {
      i++;
    }
    if (i == from) {
      return -1;
    }
    if (i == to) {
      return i;
    }
    if (buf.getByte(i) != ':' || to - i - 1 < 1 || to - i - 1 > 5) {
      return -1;
    }
    int port = 0;
    for (int k = i + 1; k < to; k++) {
      int d = buf.getByte(k) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      port = port * 10 + d;
    }
    return port <= 65535 ? i : -1;
  }

  private static boolean dotSegment(ByteBuf buf, int from, int to) {
    int n = to - from;
    return (n == 1 && buf.getByte(from) == '.')
        || (n == 2 && buf.getByte(from) == '.' && buf.getByte(from + 1) == '.');
  }

  private static int field(ByteBuf buf, int from, int to) {
    return switch (to - from) {
      case 4 -> equalsIgnoreCase(buf, from, to, "host") ? HOST_FIELD : 0;
      case 6 -> equalsIgnoreCase(buf, from, to, "accept") ? ACCEPT : 0;
      case 10 ->
          equalsIgnoreCase(buf, from, to, "user-agent")
              ? USER_AGENT
              : equalsIgnoreCase(buf, from, to, "connection") ? CONNECTION : 0;
      case 15 ->
          equalsIgnoreCase(buf, from, to, "accept-language")
              ? ACCEPT_LANGUAGE
              : equalsIgnoreCase(buf, from, to, "accept-encoding") ? ACCEPT_ENCODING : 0;
      default -> 0;
    };
  }

  private static boolean equalsIgnoreCase(ByteBuf buf, int from, int to, String lower) {
    if (to - from != lower.length()) {
      return false;
    }
    for (int k = 0; k < lower.length(); k++) {
      int b = buf.getByte(from + k);
      if (b >= 'A' && b <= 'Z') {
        b += 32;
      }
      if (b != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(ByteBuf buf, int from, int limit, String text) {
    if (limit - from < text.length()) {
      return false;
    }
    for (int k = 0; k < text.length(); k++) {
      if (buf.getByte(from + k) != text.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesBytes(ByteBuf buf, int from, int limit, byte[] bytes) {
    if (limit - from < bytes.length) {
      return false;
    }
    for (int k = 0; k < bytes.length; k++) {
      if (buf.getByte(from + k) != bytes[k]) {
        return false;
      }
    }
    return true;
  }

  /** {@code last} when it spells {@code buf[from, to)}, else a new string of those bytes. */
  private static String reuse(String last, ByteBuf buf, int from, int to) {
    int n = to - from;
    if (last != null && last.length() == n) {
      int k = 0;
      while (k < n && buf.getByte(from + k) == last.charAt(k)) {
        k++;
      }
      if (k == n) {
        return last;
      }
    }
    return buf.toString(from, n, StandardCharsets.ISO_8859_1);
  }
}
