package io.strata.core.server.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits in the listening channel's pipeline, before Netty's acceptor: every accepted channel gets a
 * {@link ViewerConnectionHandler} as the first handler of its pipeline, before Vert.x adds its own
 * (TLS, HTTP codec, connection).
 */
@ChannelHandler.Sharable
final class AcceptHandler extends ChannelInboundHandlerAdapter {
  static final String NAME = "strata-connection";
  private final ConnectionPolicy policy;
  private final boolean tls;

  AcceptHandler(ConnectionPolicy policy, boolean tls) {
    this.policy = policy;
    this.tls = tls;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child) {
      child.pipeline().addLast(NAME, new ViewerConnectionHandler(policy, tls));
    }
    ctx.fireChannelRead(msg);
  }
}
