package io.strata.core.server.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Sits between the HTTP/1 codec and Vert.x's connection and counts the responses Vert.x finishes,
 * so that the {@link RequestWire} answers a refused or timed-out request only after the responses
 * to the requests before it (pipelining), never in the middle of one. A counter increment per
 * response; no allocation unless an answer is waiting.
 *
 * <p>It also stands between Vert.x's idle handler and Vert.x's connection, which closes the
 * connection on an idle event: an event is dropped when the hit fast path answered on the
 * connection within the idle timeout, traffic the idle handler (behind the wire) cannot see. The
 * idle handler fires again a timeout later, so a connection really idle is closed after between one
 * and two timeouts.
 */
final class ResponseTracker extends ChannelDuplexHandler {
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
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      IdleStateHandler idle = ctx.pipeline().get(IdleStateHandler.class);
      long timeout =
          idle == null
              ? 0
              : Math.max(
                  idle.getAllIdleTimeInMillis(),
                  Math.max(idle.getReaderIdleTimeInMillis(), idle.getWriterIdleTimeInMillis()));
      if (timeout > 0 && wire.answeredWithin(timeout)) {
        return;
      }
    }
    ctx.fireUserEventTriggered(evt);
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
