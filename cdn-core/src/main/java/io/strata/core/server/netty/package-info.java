/**
 * The viewer connection layer below Vert.x's HTTP server: from TCP accept on, connection caps, the
 * request-head deadline (slowloris), write-stall detection (slow readers) and a strict HTTP/1.1
 * framing reader that refuses request smuggling before a request is routed or forwarded, and the
 * hit fast path ({@link io.strata.core.server.netty.HitFastPath}): simple cache hits answered here
 * from pre-encoded bytes without reaching the HTTP server. Installed through {@link
 * io.strata.core.server.netty.StrataTransport}, which every {@code Vertx} serving viewers carries
 * ({@link io.strata.core.server.StrataVertx}). Handlers run on their connection's event loop;
 * nothing here blocks. Non-null unless marked.
 */
package io.strata.core.server.netty;
