package io.strata.core.server;

import io.strata.core.server.netty.StrataTransport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The one way to make a {@link Vertx} that serves viewer listeners: it carries the {@link
 * StrataTransport}, through which edge listeners see connections at TCP accept (connection caps,
 * request-head deadline, request framing checks). {@link HttpListener} refuses to start a guarded
 * listener on any other {@code Vertx}.
 */
public final class StrataVertx {
  private StrataVertx() {}

  /** NIO transport, default options. */
  public static Vertx create() {
    return create(new VertxOptions());
  }

  /** The native transport (epoll) when {@code options} prefer it and it is available, else NIO. */
  public static Vertx create(VertxOptions options) {
    return Vertx.builder()
        .with(options)
        .withTransport(StrataTransport.wrap(options.getPreferNativeTransport()))
        .build();
  }
}
