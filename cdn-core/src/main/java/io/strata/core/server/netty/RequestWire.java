package io.strata.core.server.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads a viewer connection's plaintext (after TLS, before the HTTP codec) for two things the HTTP
 * server cannot see:
 *
 * <ul>
 *   <li><b>Request framing</b> ({@link Http1Scanner}): a request that could be framed two ways is
 *       answered 400 (431 for too many headers) with {@code Connection: close} and the connection
 *       closed; neither it nor anything after it reaches the HTTP server, so it is never routed or
 *       forwarded. Requests before it on the same connection are answered first.
 *   <li><b>Request-head deadline</b> (slowloris): the first request head must be complete within
 *       the limit from TCP accept (TLS handshake included), each later one from its first byte;
 *       otherwise 408 and close. A head that arrives whole in one read costs no timer.
 * </ul>
 *
 * HTTP/2 connections (ALPN {@code h2}, the cleartext preface, an upgrade) are passed through
 * untouched after the preface; their limits are the HTTP/2 settings of the listener.
 */
final class RequestWire extends ChannelInboundHandlerAdapter {
  static final String NAME = "strata-wire";
  private static final System.Logger LOG = System.getLogger(RequestWire.class.getName());
  private static final int HTTP1 = 0;
  private static final int PASSTHROUGH = 1;
  private static final int CLOSING = 2;

  private final ConnectionPolicy policy;
  private final InetAddress address;
  private final boolean tls;
  private final Http1Scanner scanner;
  private final long headTimeoutNanos;
  private ChannelHandlerContext context;
  private ResponseTracker tracker;
  private int mode = HTTP1;
  private boolean plaintextSeen;
  private long acceptNanos;
  private long headStartNanos;
  private int trackedHead;
  private boolean timerPending;
  private int responses;
  private int pendingStatus;
  private final HitFastPath fastPath;
  private final SimpleHead simpleHead;
  private int fastAnswered;
  private long lastFastNanos;

  RequestWire(ConnectionPolicy policy, InetAddress address, boolean tls) {
    this.policy = policy;
    this.address = address;
    this.tls = tls;
    this.scanner = new Http1Scanner(policy.limits().maxHeaders());
    this.headTimeoutNanos = policy.limits().requestHeadTimeoutMillis() * 1_000_000L;
    this.fastPath = policy.hitFastPath();
    this.simpleHead = fastPath == null ? null : new SimpleHead(policy.limits().maxHeaders());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
    acceptNanos = System.nanoTime();
    schedule(headTimeoutNanos);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (mode == PASSTHROUGH || !(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (mode == CLOSING) {
      buf.release();
      return;
    }
    if (!plaintextSeen) {
      plaintextSeen = true;
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      if (ssl != null && "h2".equals(ssl.applicationProtocol())) {
        mode = PASSTHROUGH;
        ctx.fireChannelRead(msg);
        return;
      }
    }
    if (tracker == null && ctx.pipeline().context("handler") != null) {
      tracker = new ResponseTracker(this);
      ctx.pipeline().addBefore("handler", ResponseTracker.NAME, tracker);
    }
    if (fastPath != null && answerHits(ctx, buf)) {
      return;
    }
    int from = buf.readerIndex();
    int result = scanner.feed(buf, from, buf.writerIndex());
    if (result == Http1Scanner.HTTP2) {
      mode = PASSTHROUGH;
      ctx.fireChannelRead(buf);
      return;
    }
    if (result == Http1Scanner.REJECT) {
      int accepted = scanner.requestStart() - from;
      if (accepted > 0) {
        ctx.fireChannelRead(buf.retainedSlice(from, accepted));
      }
      buf.release();
      if (scanner.rejectedDispatched()) {
        // Only the body of a request already being handled was bad: no answer can follow it.
        mode = CLOSING;
        policy.reject(scanner.rejectReason());
        log(scanner.rejectReason());
        ctx.close();
        return;
      }
      refuse(scanner.rejectStatus(), scanner.rejectReason());
      return;
    }
    if (scanner.inHead() && scanner.headsStarted() != trackedHead) {
      trackedHead = scanner.headsStarted();
      headStartNanos = trackedHead == 1 && fastAnswered == 0 ? acceptNanos : System.nanoTime();
      schedule(headStartNanos + headTimeoutNanos - System.nanoTime());
    }
    ctx.fireChannelRead(buf);
  }

  /**
   * The hit fast path: while the buffer starts with a complete simple request head ({@link
   * SimpleHead}) at a request boundary, with every earlier request of the connection answered by
   * the HTTP server already (so nothing is written in the middle of or before one of its
   * responses), and the fast path answers it (writing the answer), consumes the head. The rest of
   * the buffer, from the first request it does not answer, goes on to the HTTP server unchanged.
   *
   * @return true when the whole buffer was consumed (and released)
   */
  private boolean answerHits(ChannelHandlerContext ctx, ByteBuf buf) {
    boolean wrote = false;
    while (buf.isReadable()
        && scanner.atRequestBoundary()
        && scanner.headsCompleted() == responses
        && ctx.channel().isWritable()) {
      int end = simpleHead.read(buf, buf.readerIndex(), buf.writerIndex());
      if (end < 0) {
        break;
      }
      if (!fastPath.answer(
          ctx,
          simpleHead.isHead(),
          simpleHead.host(),
          simpleHead.path(),
          simpleHead.acceptEncoding(),
          tls)) {
        break;
      }
      buf.readerIndex(end);
      fastAnswered++;
      wrote = true;
    }
    if (wrote) {
      lastFastNanos = System.nanoTime();
      ctx.flush();
    }
    if (!buf.isReadable()) {
      buf.release();
      return true;
    }
    return false;
  }

  /**
   * Whether the fast path answered a request on this connection within the last {@code millis}:
   * Vert.x's idle handler sits behind this handler and never sees that traffic.
   */
  boolean answeredWithin(long millis) {
    return fastAnswered > 0 && System.nanoTime() - lastFastNanos < millis * 1_000_000L;
  }

  /** Called by the tracker for each finished response; true when an answer waits for it. */
  boolean responseWritten() {
    responses++;
    return pendingStatus != 0 && scanner.headsCompleted() - responses <= 0;
  }

  /** Writes the answer that waited for earlier responses. */
  void answerPending() {
    if (pendingStatus != 0) {
      int status = pendingStatus;
      pendingStatus = 0;
      answer(status);
    }
  }

  private void schedule(long delayNanos) {
    if (timerPending) {
      return;
    }
    timerPending = true;
    context.executor().schedule(this::checkDeadline, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  private void checkDeadline() {
    timerPending = false;
    if (mode != HTTP1 || !context.channel().isActive()) {
      return;
    }
    // A connection whose requests the fast path answered has had its first head in time.
    boolean waiting = (scanner.headsStarted() == 0 && fastAnswered == 0) || scanner.inHead();
    if (!waiting) {
      return;
    }
    long start = scanner.headsStarted() <= 1 && fastAnswered == 0 ? acceptNanos : headStartNanos;
    long left = start + headTimeoutNanos - System.nanoTime();
    if (left > 0) {
      schedule(left);
      return;
    }
    if (!plaintextSeen && tls) {
      // The TLS handshake did not finish: there is no way to send a response.
      policy.reject("request_head_timeout");
      log("request_head_timeout");
      mode = CLOSING;
      context.close();
      return;
    }
    refuse(408, "request_head_timeout");
  }

  private void refuse(int status, String reason) {
    mode = CLOSING;
    policy.reject(reason);
    log(reason);
    if (scanner.headsCompleted() - responses > 0) {
      // Earlier requests of this connection are still being answered; answer after them.
      pendingStatus = status;
      return;
    }
    answer(status);
  }

  private void answer(int status) {
    String text =
        switch (status) {
          case 408 -> "The request head took too long.\n";
          case 431 -> "Too many request header fields.\n";
          default -> "The request is malformed.\n";
        };
    byte[] body = text.getBytes(StandardCharsets.US_ASCII);
    if (tracker != null && context.pipeline().get(HttpResponseEncoder.class) != null) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(status),
              Unpooled.wrappedBuffer(body));
      response
          .headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(HttpHeaderNames.CONNECTION, "close")
          .set("X-Cache", "Error from strata");
      tracker.context().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    // No HTTP codec yet (nothing or only part of a first request arrived): write the bytes.
    String head =
        "HTTP/1.1 "
            + HttpResponseStatus.valueOf(status)
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\nX-Cache: Error from strata\r\n\r\n";
    ByteBuf bytes = Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
    context.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE);
  }

  private void log(String reason) {
    LOG.log(
        System.Logger.Level.INFO,
        "viewer connection from {0} refused: {1}",
        address == null ? "?" : address.getHostAddress(),
        reason);
  }
}
