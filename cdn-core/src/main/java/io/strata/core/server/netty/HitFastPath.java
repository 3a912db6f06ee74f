package io.strata.core.server.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Answers a plain cache hit below the HTTP server, as bytes, when the request is simple enough that
 * the response is exactly what the HTTP server's path would send (see {@link SimpleHead} for what
 * reaches it). Called on the connection's event loop; must not block.
 */
public interface HitFastPath {
  /**
   * The whole response to a {@code GET} or {@code HEAD} request, or {@code null} to leave the
   * request to the HTTP server (anything but a fresh, plain 200 hit).
   *
   * @param head whether the method is {@code HEAD} (no body is written)
   * @param host the {@code Host} header in alias form: lower case, without port
   * @param path the request target: an absolute path without query, percent sign or {@code ;}
   * @param acceptEncoding the {@code Accept-Encoding} value, or {@code null} when absent
   * @param tls whether the connection is HTTPS
   */
  ByteBuf answer(
      ByteBufAllocator alloc,
      boolean head,
      String host,
      String path,
      String acceptEncoding,
      boolean tls);
}
