package io.strata.core.server.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every viewer connection, from TCP accept on. It admits the connection
 * against the node's caps (refused: a plain-HTTP viewer gets a 503 with {@code Retry-After}, a TLS
 * viewer is closed before any handshake work), puts a {@link RequestWire} just below the HTTP codec
 * (after TLS), releases the connection's count when it closes, and closes a connection whose viewer
 * leaves the response unread: the channel unwritable (its write buffer above Netty's high-water
 * mark) for longer than the write-stall time. One timer task at a time per connection, scheduled
 * only while the channel is unwritable.
 */
final class ViewerConnectionHandler extends ChannelDuplexHandler {
  private static final System.Logger LOG =
      System.getLogger(ViewerConnectionHandler.class.getName());
  static final byte[] SERVICE_UNAVAILABLE =
      ("HTTP/1.1 503 Service Unavailable\r\n"
              + "Retry-After: 1\r\n"
              + "Content-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: 33\r\n"
              + "Connection: close\r\n"
              + "X-Cache: Error from strata\r\n\r\n"
              + "Too many connections; try again.\n")
          .getBytes(StandardCharsets.US_ASCII);

  static final String TLS_HANDLER = "ssl";
  private final ConnectionPolicy policy;
  private final boolean tls;
  private InetAddress address;
  private boolean admitted;
  private long unwritableSince;
  private boolean stallCheckPending;

  ViewerConnectionHandler(ConnectionPolicy policy, boolean tls) {
    this.policy = policy;
    this.tls = tls;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    address =
        ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    String refusal = policy.admit(address);
    if (refusal != null) {
      policy.reject(refusal);
      LOG.log(
          System.Logger.Level.INFO,
          "viewer connection from {0} refused: {1}",
          address == null ? "?" : address.getHostAddress(),
          refusal);
      if (tls) {
        ctx.close();
      } else {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(SERVICE_UNAVAILABLE))
            .addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    admitted = true;
    RequestWire wire = new RequestWire(policy, address, tls);
    // Vert.x names its TLS handler "ssl" (an SniHandler until the ClientHello, then the SslHandler
    // that replaces it in place); the wire goes right after it, where the bytes are plaintext.
    String before = ctx.name();
    if (tls) {
      ChannelHandlerContext ssl = ctx.pipeline().context(TLS_HANDLER);
      if (ssl == null) {
        LOG.log(System.Logger.Level.ERROR, "TLS viewer connection without a TLS handler; closed");
        ctx.close();
        return;
      }
      before = ssl.name();
    }
    ctx.pipeline().addAfter(before, RequestWire.NAME, wire);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (admitted) {
      admitted = false;
      policy.release(address);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      unwritableSince = 0;
    } else if (unwritableSince == 0) {
      unwritableSince = System.nanoTime();
      scheduleStallCheck(ctx, policy.limits().writeStallTimeoutMillis() * 1_000_000L);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void scheduleStallCheck(ChannelHandlerContext ctx, long delayNanos) {
    if (stallCheckPending) {
      return;
    }
    stallCheckPending = true;
    ctx.executor().schedule(() -> checkStall(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void checkStall(ChannelHandlerContext ctx) {
    stallCheckPending = false;
    if (unwritableSince == 0 || !ctx.channel().isActive()) {
      return;
    }
    long due = unwritableSince + policy.limits().writeStallTimeoutMillis() * 1_000_000L;
    long now = System.nanoTime();
    if (now - due >= 0) {
      policy.reject("write_stall");
      LOG.log(
          System.Logger.Level.INFO,
          "viewer connection from {0} closed: response unread for {1} ms",
          address == null ? "?" : address.getHostAddress(),
          policy.limits().writeStallTimeoutMillis());
      ctx.close();
    } else {
      scheduleStallCheck(ctx, due - now);
    }
  }
}
