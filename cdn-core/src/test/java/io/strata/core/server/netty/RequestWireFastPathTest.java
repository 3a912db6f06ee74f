package io.strata.core.server.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.strata.core.server.ConnectionLimits;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire's side of the hit fast path on an embedded channel: which bytes it answers itself and
 * which it passes on unchanged, and that Vert.x's idle handler, which cannot see fast-path traffic,
 * does not close a connection busy on it.
 */
class RequestWireFastPathTest {
  private static final String HIT = "GET /hit HTTP/1.1\r\nHost: a.test\r\n\r\n";
  private static final String MISS = "GET /miss HTTP/1.1\r\nHost: a.test\r\n\r\n";

  /** Answers {@code /hit} with its path; anything else is not a hit. */
  private final HitFastPath fastPath =
      (ctx, head, host, path, acceptEncoding, tls) -> {
        if (!path.equals("/hit")) {
          return false;
        }
        ctx.write(Unpooled.copiedBuffer("HIT;", StandardCharsets.US_ASCII), ctx.voidPromise());
        return true;
      };

  private final List<Object> passedOn = new ArrayList<>();
  private final List<Object> events = new ArrayList<>();

  private EmbeddedChannel channel() {
    return channel(fastPath);
  }

  private EmbeddedChannel channel(HitFastPath hits) {
    ConnectionPolicy policy =
        new ConnectionPolicy() {
          @Override
          public ConnectionLimits limits() {
            return ConnectionLimits.DEFAULT;
          }

          @Override
          public String admit(InetAddress address) {
            return null;
          }

          @Override
          public void release(InetAddress address) {}

          @Override
          public void reject(String reason) {}

          @Override
          public HitFastPath hitFastPath() {
            return hits;
          }
        };
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addLast("idle", new IdleStateHandler(0, 0, 60));
    channel
        .pipeline()
        .addLast(
            "handler",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passedOn.add(msg instanceof ByteBuf b ? text(b) : msg);
              }

              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
              }
            });
    channel.pipeline().addFirst(RequestWire.NAME, new RequestWire(policy, null, false));
    return channel;
  }

  private static String text(ByteBuf b) {
    String s = b.toString(StandardCharsets.US_ASCII);
    b.release();
    return s;
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static String written(EmbeddedChannel channel) {
    StringBuilder out = new StringBuilder();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      out.append(o instanceof ByteBuf b ? text(b) : o.toString());
    }
    return out.toString();
  }

  @Test
  void pipelinedHitsAreAnsweredUntilTheFirstRequestThatIsNot() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(bytes(HIT + HIT + MISS + HIT));
    assertEquals("HIT;HIT;", written(channel));
    assertEquals(List.of(MISS + HIT), passedOn, "the rest goes on unchanged, hits included");
    channel.finishAndReleaseAll();
  }

  @Test
  void noHitIsAnsweredWhileTheHttpServerOwesAResponse() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(bytes(MISS));
    channel.writeInbound(bytes(HIT));
    assertEquals("", written(channel));
    assertEquals(List.of(MISS, HIT), passedOn);
    // The HTTP server answers both; from then on hits are answered by the wire again.
    for (int i = 0; i < 2; i++) {
      channel.writeOutbound(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    }
    written(channel);
    channel.writeInbound(bytes(HIT));
    assertEquals("HIT;", written(channel));
    assertEquals(2, passedOn.size());
    channel.finishAndReleaseAll();
  }

  @Test
  void headSplitAcrossReadsGoesToTheHttpServer() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(bytes(HIT.substring(0, 10)));
    channel.writeInbound(bytes(HIT.substring(10)));
    assertEquals("", written(channel));
    assertEquals(List.of(HIT.substring(0, 10), HIT.substring(10)), passedOn);
    channel.finishAndReleaseAll();
  }

  @Test
  void idleEventIsDroppedOnlyAfterRecentFastPathTraffic() {
    EmbeddedChannel quiet = channel();
    quiet.writeInbound(bytes(MISS));
    quiet.pipeline().context("idle").fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertEquals(List.of(IdleStateEvent.ALL_IDLE_STATE_EVENT), events);
    quiet.finishAndReleaseAll();

    events.clear();
    EmbeddedChannel busy = channel();
    busy.writeInbound(bytes(HIT));
    assertTrue(written(busy).startsWith("HIT;"));
    busy.pipeline().context("idle").fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertTrue(events.isEmpty(), "a connection busy on the fast path is not idle");
    busy.finishAndReleaseAll();
  }

  @Test
  void wireWithoutFastPathPassesHitsOn() {
    EmbeddedChannel channel = channel(null);
    channel.writeInbound(bytes(HIT));
    assertEquals("", written(channel));
    assertEquals(List.of(HIT), passedOn);
    channel.finishAndReleaseAll();
  }
}
