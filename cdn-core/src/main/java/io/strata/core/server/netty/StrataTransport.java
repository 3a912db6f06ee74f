package io.strata.core.server.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.transport.Transport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * A Vert.x transport (NIO or native epoll underneath, unchanged) that lets a viewer listener see
 * its connections at TCP accept time. Vert.x reports an HTTP connection only once its first request
 * head is complete; below it, Netty hands every accepted channel to the listening channel's
 * pipeline. When a registered listener binds, this transport puts an {@link AcceptHandler} into
 * that pipeline, ahead of Netty's acceptor, so each new connection starts with Strata's {@link
 * ViewerConnectionHandler}. Servers that are not registered (origins in tests, the admin port) are
 * left exactly as Vert.x builds them.
 *
 * <p>Vert.x calls {@link #configure(NetServerOptions, boolean, ServerBootstrap)} once per bound
 * port; the listener is recognised by its host and the port it asked for (HttpListener asks for a
 * unique negative port instead of 0, which Vert.x binds to a random port).
 */
public final class StrataTransport implements Transport {
  private final Transport delegate;
  private final String name;
  private final Map<String, ConnectionPolicy> listeners = new ConcurrentHashMap<>();

  private StrataTransport(Transport delegate, String name) {
    this.delegate = delegate;
    this.name = name;
  }

  /**
   * The underlying transport's name ({@code nio}, {@code epoll}). Use it rather than {@code
   * Vertx.isNativeTransportEnabled()}, which reports any transport but Vert.x's own NIO class as
   * native.
   */
  public String name() {
    return name;
  }

  /**
   * The public transport to hand to {@code Vertx.builder().withTransport(...)}.
   *
   * @param preferNative epoll when available, else NIO
   */
  public static io.vertx.core.transport.Transport wrap(boolean preferNative) {
    io.vertx.core.transport.Transport base = io.vertx.core.transport.Transport.NIO;
    if (preferNative) {
      io.vertx.core.transport.Transport fast = io.vertx.core.transport.Transport.nativeTransport();
      if (fast != null && fast.available()) {
        base = fast;
      }
    }
    io.vertx.core.transport.Transport chosen = base;
    StrataTransport wrapped = new StrataTransport(chosen.implementation(), chosen.name());
    return new io.vertx.core.transport.Transport() {
      @Override
      public String name() {
        return chosen.name();
      }

      @Override
      public boolean available() {
        return chosen.available();
      }

      @Override
      public Throwable unavailabilityCause() {
        return chosen.unavailabilityCause();
      }

      @Override
      public Transport implementation() {
        return wrapped;
      }
    };
  }

  /** The Strata transport of {@code vertx}, or {@code null} when it was built without one. */
  public static StrataTransport of(Vertx vertx) {
    return vertx instanceof VertxInternal internal
            && internal.transport() instanceof StrataTransport strata
        ? strata
        : null;
  }

  /**
   * Guards the listener that will bind {@code host}:{@code requestedPort}; call before it listens.
   *
   * @return undoes the registration (call when the listener closes)
   */
  public Runnable register(String host, int requestedPort, ConnectionPolicy policy) {
    String key = key(host, requestedPort);
    if (listeners.putIfAbsent(key, policy) != null) {
      throw new IllegalStateException("listener " + key + " is already guarded");
    }
    return () -> listeners.remove(key, policy);
  }

  private static String key(String host, int port) {
    return host + "|" + port;
  }

  @Override
  public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
    delegate.configure(options, domainSocket, bootstrap);
    ConnectionPolicy policy = listeners.get(key(options.getHost(), options.getPort()));
    if (policy != null) {
      bootstrap.handler(new AcceptHandler(policy, options.isSsl()));
    }
  }

  @Override
  public boolean supportsDomainSockets() {
    return delegate.supportsDomainSockets();
  }

  @Override
  public boolean supportFileRegion() {
    return delegate.supportFileRegion();
  }

  @Override
  public boolean isAvailable() {
    return delegate.isAvailable();
  }

  @Override
  public Throwable unavailabilityCause() {
    return delegate.unavailabilityCause();
  }

  @Override
  public java.net.SocketAddress convert(SocketAddress address) {
    return delegate.convert(address);
  }

  @Override
  public SocketAddress convert(java.net.SocketAddress address) {
    return delegate.convert(address);
  }

  @Override
  public IoHandlerFactory ioHandlerFactory() {
    return delegate.ioHandlerFactory();
  }

  @Override
  public EventLoopGroup eventLoopGroup(
      int type, int threads, ThreadFactory threadFactory, int ioRatio) {
    return delegate.eventLoopGroup(type, threads, threadFactory, ioRatio);
  }

  @Override
  public DatagramChannel datagramChannel() {
    return delegate.datagramChannel();
  }

  @Override
  public DatagramChannel datagramChannel(InternetProtocolFamily family) {
    return delegate.datagramChannel(family);
  }

  @Override
  public ChannelFactory<? extends io.netty.channel.Channel> channelFactory(boolean domainSocket) {
    return delegate.channelFactory(domainSocket);
  }

  @Override
  public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
    return delegate.serverChannelFactory(domainSocket);
  }

  @Override
  public void configure(DatagramChannel channel, DatagramSocketOptions options) {
    delegate.configure(channel, options);
  }

  @Override
  public void configure(
      ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
    delegate.configure(options, connectTimeout, domainSocket, bootstrap);
  }
}
