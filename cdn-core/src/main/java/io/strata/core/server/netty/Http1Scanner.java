package io.strata.core.server.netty;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A strict reader of the HTTP/1.1 request stream of one connection (RFC 9112), run over the bytes
 * before Netty's decoder sees them. It keeps no copy of the bytes: it follows the framing (request
 * line, header lines, {@code Content-Length} or chunked body, trailers) byte by byte through heads
 * and chunk lines, and skips body bytes in bulk. It refuses everything that two HTTP parsers could
 * frame differently, which is what request smuggling exploits, so that whatever it lets through
 * Netty frames the same way:
 *
 * <ul>
 *   <li>{@code Content-Length} together with {@code Transfer-Encoding}, more than one {@code
 *       Content-Length} (even equal ones), a {@code Content-Length} that is not plain digits;
 *   <li>{@code Transfer-Encoding} other than exactly {@code chunked}, more than once, or in an
 *       HTTP/1.0 request;
 *   <li>obsolete line folding, a bare LF or bare CR anywhere in a head or chunk line, NUL or other
 *       control characters, a header name that is not a token (space before the colon included);
 *   <li>chunk sizes that are not hex, longer than 15 hex digits, chunk data not followed by CRLF,
 *       more than {@value #MAX_CHUNK_EXTENSION_BYTES} bytes of chunk extensions per request;
 *   <li>more than {@code maxHeaders} header or trailer lines (431).
 * </ul>
 *
 * <p>The HTTP/2 connection preface is recognised at the start of a connection and after a request
 * that asked to upgrade; from there on the stream is HTTP/2 and no longer read here. Not
 * thread-safe: one instance per connection, used on its event loop.
 */
final class Http1Scanner {
  /** {@link #feed} results. */
  static final int MORE = 0;

  static final int HTTP2 = 1;
  static final int REJECT = 2;

  static final int MAX_CHUNK_EXTENSION_BYTES = 4096;
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_LENGTH = bytes("content-length");
  private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
  private static final byte[] UPGRADE = bytes("upgrade");
  private static final byte[] CHUNKED = bytes("chunked");
  private static final int IS_CL = 1;
  private static final int IS_TE = 2;
  private static final int IS_UPGRADE = 4;
  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private static final int START = 0;
  private static final int LEADING = 1;
  private static final int LEADING_LF = 2;
  private static final int PREFACE_MATCH = 3;
  private static final int REQUEST_LINE = 4;
  private static final int REQUEST_LINE_LF = 5;
  private static final int FIELD_START = 6;
  private static final int FIELD_NAME = 7;
  private static final int FIELD_VALUE = 8;
  private static final int FIELD_VALUE_LF = 9;
  private static final int HEAD_END_LF = 10;
  private static final int BODY = 11;
  private static final int CHUNK_SIZE = 12;
  private static final int CHUNK_BWS = 13;
  private static final int CHUNK_EXT = 14;
  private static final int CHUNK_SIZE_LF = 15;
  private static final int CHUNK_DATA = 16;
  private static final int CHUNK_DATA_CR = 17;
  private static final int CHUNK_DATA_LF = 18;
  private static final int DONE = 19;

  private final int maxHeaders;
  private int state = START;
  private boolean prefaceAllowed = true;
  private int prefaceIndex;
  private int headsStarted;
  private int headsCompleted;
  private int requestStart;
  private boolean startedInFeed;
  private boolean headDone;
  private boolean rejectedDispatched;
  private int rejectStatus;
  private String rejectReason;

  // The request being read.
  private int fieldCount;
  private boolean inTrailers;
  private int versionTail;
  private boolean http10;
  private int contentLengths;
  private long contentLength;
  private int transferEncodings;
  private boolean transferEncodingBad;
  private boolean upgrade;
  private int extensionBytes;
  private long remaining;

  // The field being read.
  private int nameLength;
  private int candidates;
  private int kind;
  private int valuePhase;
  private int valueDigits;
  private long valueNumber;
  private int valueMatch;

  Http1Scanner(int maxHeaders) {
    this.maxHeaders = maxHeaders;
  }

  /**
   * Reads {@code buf[from, to)} without moving its indexes.
   *
   * @return {@link #MORE} when all of it is acceptable HTTP/1.1 so far, {@link #HTTP2} when the
   *     HTTP/2 preface was recognised (nothing more should be fed), {@link #REJECT} with {@link
   *     #rejectStatus()}, {@link #rejectReason()} and {@link #requestStart()} set
   */
  int feed(ByteBuf buf, int from, int to) {
    requestStart = from;
    startedInFeed = false;
    int i = from;
    while (i < to) {
      if (state == BODY || state == CHUNK_DATA) {
        int n = (int) Math.min(remaining, to - i);
        i += n;
        remaining -= n;
        if (remaining == 0) {
          if (state == BODY) {
            requestComplete();
          } else {
            state = CHUNK_DATA_CR;
          }
        }
        continue;
      }
      if (state == FIELD_VALUE && kind == 0) {
        // Most head bytes are in values of headers nobody frames by: skip plain ones here.
        i = plainRun(buf, i, to);
        if (i == to) {
          break;
        }
      } else if (state == REQUEST_LINE) {
        int end = plainRun(buf, i, to);
        for (int k = Math.max(i, end - 3); k < end; k++) {
          versionTail = (versionTail << 8) | (buf.getByte(k) & 0xFF);
        }
        i = end;
        if (i == to) {
          break;
        }
      }
      int result = step(buf.getByte(i) & 0xFF, i);
      if (result != MORE) {
        return result;
      }
      i++;
    }
    return MORE;
  }

  /** The index of the first byte from {@code i} that is a control character (or {@code to}). */
  private static int plainRun(ByteBuf buf, int i, int to) {
    while (i < to) {
      int b = buf.getByte(i) & 0xFF;
      if (b < 0x20 || b == 0x7F) {
        return i;
      }
      i++;
    }
    return to;
  }

  /** Requests whose first byte arrived. */
  int headsStarted() {
    return headsStarted;
  }

  /** Request heads complete and accepted (each reaches the HTTP server as a request). */
  int headsCompleted() {
    return headsCompleted;
  }

  /** Whether the next byte would begin a new request (no head, body or chunk is being read). */
  boolean atRequestBoundary() {
    return state == START;
  }

  /** Whether a request head has begun and is not complete. */
  boolean inHead() {
    return state >= LEADING && state <= HEAD_END_LF && !inTrailers;
  }

  int rejectStatus() {
    return rejectStatus;
  }

  String rejectReason() {
    return rejectReason;
  }

  /**
   * After {@link #REJECT}: whether the refused request's head reached the HTTP server already (in
   * an earlier buffer), so that only its body was refused.
   */
  boolean rejectedDispatched() {
    return rejectedDispatched;
  }

  /**
   * After {@link #REJECT}: where the refused request began in the last buffer fed, or that buffer's
   * start when it began earlier. Bytes before it belong to earlier, accepted requests.
   */
  int requestStart() {
    return requestStart;
  }

  private int step(int b, int index) {
    switch (state) {
      case START:
        headsStarted++;
        requestStart = index;
        startedInFeed = true;
        headDone = false;
        state = LEADING;
        return step(b, index);
      case LEADING:
        if (b == '\r') {
          state = LEADING_LF;
          return MORE;
        }
        if (b == 'P' && prefaceAllowed) {
          state = PREFACE_MATCH;
          prefaceIndex = 1;
          return MORE;
        }
        return requestLineStart(b);
      case LEADING_LF:
        if (b != '\n') {
          return reject(400, "bare_cr");
        }
        state = LEADING;
        return MORE;
      case PREFACE_MATCH:
        if (b == PREFACE[prefaceIndex]) {
          if (++prefaceIndex == PREFACE.length) {
            state = DONE;
            return HTTP2;
          }
          return MORE;
        }
        // Not HTTP/2 after all: read what was taken for the preface as the request it is.
        prefaceAllowed = false;
        state = LEADING;
        for (int k = 0; k < prefaceIndex; k++) {
          int result = step(PREFACE[k], index);
          if (result != MORE) {
            return result;
          }
        }
        return step(b, index);
      case REQUEST_LINE:
        if (b == '\r') {
          http10 = (versionTail & 0xFFFFFF) == (('1' << 16) | ('.' << 8) | '0');
          state = REQUEST_LINE_LF;
          return MORE;
        }
        if (b == '\n') {
          return reject(400, "bare_lf");
        }
        if (b < 0x20 || b == 0x7F) {
          return reject(400, "bad_request_line");
        }
        versionTail = (versionTail << 8) | b;
        return MORE;
      case REQUEST_LINE_LF:
        if (b != '\n') {
          return reject(400, "bare_cr");
        }
        state = FIELD_START;
        return MORE;
      case FIELD_START:
        return fieldStart(b);
      case FIELD_NAME:
        return fieldName(b);
      case FIELD_VALUE:
        return fieldValue(b);
      case FIELD_VALUE_LF:
        if (b != '\n') {
          return reject(400, "bare_cr");
        }
        state = FIELD_START;
        return fieldEnd();
      case HEAD_END_LF:
        if (b != '\n') {
          return reject(400, "bare_cr");
        }
        return inTrailers ? requestComplete() : headEnd();
      case CHUNK_SIZE:
        return chunkSize(b);
      case CHUNK_BWS:
        if (b == ' ' || b == '\t') {
          return MORE;
        }
        if (b == ';') {
          state = CHUNK_EXT;
          return MORE;
        }
        return reject(400, "bad_chunk_size");
      case CHUNK_EXT:
        if (b == '\r') {
          state = CHUNK_SIZE_LF;
          return MORE;
        }
        if (b == '\n') {
          return reject(400, "bare_lf");
        }
        if ((b < 0x20 && b != '\t') || b == 0x7F) {
          return reject(400, "bad_chunk_extension");
        }
        if (++extensionBytes > MAX_CHUNK_EXTENSION_BYTES) {
          return reject(400, "chunk_extensions_too_long");
        }
        return MORE;
      case CHUNK_SIZE_LF:
        if (b != '\n') {
          return reject(400, "bare_cr");
        }
        if (remaining == 0) {
          inTrailers = true;
          state = FIELD_START;
        } else {
          state = CHUNK_DATA;
        }
        return MORE;
      case CHUNK_DATA_CR:
        if (b != '\r') {
          return reject(400, "bad_chunk_data");
        }
        state = CHUNK_DATA_LF;
        return MORE;
      case CHUNK_DATA_LF:
        if (b != '\n') {
          return reject(400, "bad_chunk_data");
        }
        startChunk();
        return MORE;
      default:
        return reject(400, "bad_request");
    }
  }

  private int requestLineStart(int b) {
    if (!TCHAR[b]) {
      return reject(400, b == '\n' ? "bare_lf" : "bad_request_line");
    }
    fieldCount = 0;
    inTrailers = false;
    versionTail = b;
    contentLengths = 0;
    contentLength = 0;
    transferEncodings = 0;
    transferEncodingBad = false;
    upgrade = false;
    extensionBytes = 0;
    state = REQUEST_LINE;
    return MORE;
  }

  private int fieldStart(int b) {
    if (b == '\r') {
      state = HEAD_END_LF;
      return MORE;
    }
    if (b == ' ' || b == '\t') {
      return reject(400, "obsolete_line_folding");
    }
    if (b == '\n') {
      return reject(400, "bare_lf");
    }
    if (!TCHAR[b]) {
      return reject(400, "bad_header_name");
    }
    if (++fieldCount > maxHeaders) {
      return reject(431, "too_many_headers");
    }
    nameLength = 0;
    candidates = inTrailers ? 0 : IS_CL | IS_TE | IS_UPGRADE;
    state = FIELD_NAME;
    return fieldName(b);
  }

  private int fieldName(int b) {
    if (b == ':') {
      kind = 0;
      if ((candidates & IS_CL) != 0 && nameLength == CONTENT_LENGTH.length) {
        kind = IS_CL;
      } else if ((candidates & IS_TE) != 0 && nameLength == TRANSFER_ENCODING.length) {
        kind = IS_TE;
      } else if ((candidates & IS_UPGRADE) != 0 && nameLength == UPGRADE.length) {
        kind = IS_UPGRADE;
      }
      valuePhase = 0;
      valueDigits = 0;
      valueNumber = 0;
      valueMatch = 0;
      state = FIELD_VALUE;
      return MORE;
    }
    if (!TCHAR[b]) {
      return reject(
          400,
          b == ' ' || b == '\t' ? "space_before_colon" : b == '\n' ? "bare_lf" : "bad_header_name");
    }
    if (candidates != 0) {
      int lower = b | 0x20;
      candidates = narrow(candidates, IS_CL, CONTENT_LENGTH, lower);
      candidates = narrow(candidates, IS_TE, TRANSFER_ENCODING, lower);
      candidates = narrow(candidates, IS_UPGRADE, UPGRADE, lower);
    }
    nameLength++;
    return MORE;
  }

  private int narrow(int set, int flag, byte[] name, int lower) {
    if ((set & flag) != 0 && (nameLength >= name.length || name[nameLength] != lower)) {
      return set & ~flag;
    }
    return set;
  }

  private int fieldValue(int b) {
    if (b == '\r') {
      state = FIELD_VALUE_LF;
      return MORE;
    }
    if (b == '\n') {
      return reject(400, "bare_lf");
    }
    if ((b < 0x20 && b != '\t') || b == 0x7F) {
      return reject(400, "bad_header_value");
    }
    boolean space = b == ' ' || b == '\t';
    if (kind == IS_CL) {
      if (space) {
        if (valuePhase == 1) {
          valuePhase = 2;
        }
      } else if (b >= '0' && b <= '9' && valuePhase < 2) {
        valuePhase = 1;
        if (++valueDigits > 18) {
          return reject(400, "bad_content_length");
        }
        valueNumber = valueNumber * 10 + (b - '0');
      } else {
        return reject(400, "bad_content_length");
      }
    } else if (kind == IS_TE) {
      if (space) {
        if (valuePhase == 1) {
          valuePhase = 2;
        }
      } else if (valuePhase < 2
          && valueMatch < CHUNKED.length
          && (b | 0x20) == CHUNKED[valueMatch]) {
        valuePhase = 1;
        valueMatch++;
      } else {
        transferEncodingBad = true;
      }
    }
    return MORE;
  }

  private int fieldEnd() {
    if (kind == IS_CL) {
      if (++contentLengths > 1) {
        return reject(400, "duplicate_content_length");
      }
      if (valueDigits == 0) {
        return reject(400, "bad_content_length");
      }
      contentLength = valueNumber;
    } else if (kind == IS_TE) {
      transferEncodings++;
      if (valueMatch != CHUNKED.length) {
        transferEncodingBad = true;
      }
    } else if (kind == IS_UPGRADE) {
      upgrade = true;
    }
    return MORE;
  }

  private int headEnd() {
    if (transferEncodings > 0) {
      if (contentLengths > 0) {
        return reject(400, "content_length_with_transfer_encoding");
      }
      if (transferEncodings > 1 || transferEncodingBad) {
        return reject(400, "bad_transfer_encoding");
      }
      if (http10) {
        return reject(400, "transfer_encoding_in_http10");
      }
      headsCompleted++;
      headDone = true;
      startChunk();
      return MORE;
    }
    headsCompleted++;
    headDone = true;
    if (contentLength > 0) {
      remaining = contentLength;
      state = BODY;
      return MORE;
    }
    return requestComplete();
  }

  private void startChunk() {
    remaining = 0;
    valueDigits = 0;
    state = CHUNK_SIZE;
  }

  private int chunkSize(int b) {
    int digit = Character.digit(b, 16);
    if (digit >= 0) {
      if (++valueDigits > 15) {
        return reject(400, "bad_chunk_size");
      }
      remaining = (remaining << 4) | digit;
      return MORE;
    }
    if (valueDigits == 0) {
      return reject(400, b == '\n' ? "bare_lf" : "bad_chunk_size");
    }
    switch (b) {
      case '\r':
        state = CHUNK_SIZE_LF;
        return MORE;
      case ';':
        state = CHUNK_EXT;
        return MORE;
      case ' ':
      case '\t':
        state = CHUNK_BWS;
        return MORE;
      case '\n':
        return reject(400, "bare_lf");
      default:
        return reject(400, "bad_chunk_size");
    }
  }

  private int requestComplete() {
    // Only a request that asked to upgrade may be followed by the HTTP/2 preface.
    prefaceAllowed = upgrade;
    state = START;
    return MORE;
  }

  private int reject(int status, String reason) {
    rejectedDispatched = headDone && !startedInFeed;
    if (headDone && startedInFeed) {
      // Its head is in this buffer, which goes no further: the server never sees the request.
      headsCompleted--;
    }
    rejectStatus = status;
    rejectReason = reason;
    state = DONE;
    return REJECT;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
