package io.strata.core.server.netty;

import io.netty.channel.ChannelHandlerContext;

/**
 * Answers a plain cache hit below the HTTP server, as bytes, when the request is simple enough that
 * the response is exactly what the HTTP server's path would send (see {@link SimpleHead} for what
 * reaches it). Called on the connection's event loop; must not block.
 */
public interface HitFastPath {
  /**
   * Writes the whole response to a {@code GET} or {@code HEAD} request to {@code ctx} (without
   * flushing) and returns true, or writes nothing and returns false to leave the request to the
   * HTTP server (anything but a fresh, plain 200 hit). What it writes, Netty releases.
   *
   * @param head whether the method is {@code HEAD} (no body is written)
   * @param host the {@code Host} header in alias form: lower case, without port
   * @param path the request target: an absolute path without query, percent sign or {@code ;}
   * @param acceptEncoding the {@code Accept-Encoding} value, or {@code null} when absent
   * @param tls whether the connection is HTTPS
   */
  boolean answer(
      ChannelHandlerContext ctx,
      boolean head,
      String host,
      String path,
      String acceptEncoding,
      boolean tls);
}
