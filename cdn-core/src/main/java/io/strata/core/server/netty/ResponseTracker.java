package io.strata.core.server.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Sits between the HTTP/1 codec and Vert.x's connection and counts the responses Vert.x finishes,
 * so that the {@link RequestWire} answers a refused or timed-out request only after the responses
 * to the requests before it (pipelining), never in the middle of one. A counter increment per
 * response; no allocation unless an answer is waiting.
 */
final class ResponseTracker extends ChannelOutboundHandlerAdapter {
  static final String NAME = "strata-responses";
  private final RequestWire wire;
  private ChannelHandlerContext context;

  ResponseTracker(RequestWire wire) {
    this.wire = wire;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  /** Where an HTTP response object written now follows every response already written. */
  ChannelHandlerContext context() {
    return context;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent
        && !(msg instanceof HttpResponse head && head.status().code() < 200)) {
      if (wire.responseWritten()) {
        ChannelPromise written = promise.unvoid();
        written.addListener(done -> wire.answerPending());
        ctx.write(msg, written);
        return;
      }
    }
    ctx.write(msg, promise);
  }
}
