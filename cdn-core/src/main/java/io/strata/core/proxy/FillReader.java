package io.strata.core.proxy;

import io.strata.core.cache.CachedObject;
import io.strata.core.cache.Fill;
import io.strata.core.cache.ResponseHead;
import io.strata.core.cache.StoredBody;
import io.strata.core.cache.Vary;
import io.strata.core.http.ByteRanges;
import io.strata.core.http.NotModifiedHeaders;
import io.strata.core.http.Preconditions;
import io.strata.core.http.RangeDecision;
import io.strata.core.http.RangeWindow;
import io.strata.core.time.Clock;
import io.strata.core.upstream.UpstreamFailure;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;

/**
 * One viewer reading a {@link Fill}: writes the head as soon as it arrives, then each chunk as the
 * viewer's connection accepts it. When the fill fails or the upstream answers 5xx and the viewer
 * came with a stale object that may be served on error, the stale object is written instead. All
 * work runs on the viewer's own event loop; the fill may wake it from any thread.
 */
final class FillReader implements Fill.Reader {
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Context context;
  private final Clock clock;
  private final String viaToken;
  private final String nodeId;
  private final boolean headOnly;
  private final IntPredicate errorHook;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final java.util.function.Consumer<String> refillAs;
  private final java.util.function.BiFunction<String, String, String> varyNormalizer;
  private Fill fill;
  private String xCache;
  private String fwd;
  private boolean collapsed;
  private CachedObject stale;
  private RangeWindow window;

  /** What was read from the fill after the last write and not yet handled. */
  private Fill.Read pending;

  private boolean headWritten;
  private boolean done;

  /**
   * @param refillAs called with this viewer's secondary key (null when too long) when it must fill
   *     its own variant instead
   * @param errorHook consulted with the status before the head is written, after serving stale on
   *     error was considered; when it returns {@code true} a custom error response has taken the
   *     viewer's response over
   */
  FillReader(
      HttpServerRequest request,
      Clock clock,
      String viaToken,
      String nodeId,
      java.util.function.BiFunction<String, String, String> varyNormalizer,
      java.util.function.Consumer<String> refillAs,
      IntPredicate errorHook) {
    this.varyNormalizer = varyNormalizer;
    this.refillAs = refillAs;
    this.errorHook = errorHook;
    this.request = request;
    this.response = request.response();
    this.context = Vertx.currentContext();
    this.clock = clock;
    this.viaToken = viaToken;
    this.nodeId = nodeId;
    this.headOnly = request.method() == HttpMethod.HEAD;
  }

  /**
   * Called once on the viewer's context after joining; starts reading.
   *
   * @param fwd why this tier went upstream, for {@code Cache-Status}
   * @param collapsed this viewer joined another request's fill
   * @param stale the stale object the viewer found, served if the upstream fails; may be null
   */
  void attach(Fill fill, String xCache, String fwd, boolean collapsed, CachedObject stale) {
    this.fill = fill;
    this.xCache = xCache;
    this.fwd = fwd;
    this.collapsed = collapsed;
    this.stale = stale;
    response.closeHandler(v -> finish());
    pump();
  }

  @Override
  public void wake() {
    if (wakePending.compareAndSet(false, true)) {
      context.runOnContext(
          v -> {
            wakePending.set(false);
            pump();
          });
    }
  }

  private void pump() {
    if (fill == null || done) {
      return;
    }
    if (!headWritten) {
      Throwable error = fill.error();
      ResponseHead head = fill.head();
      if (error != null) {
        finish();
        UpstreamFailure failure = UpstreamFailure.of(error);
        if (!serveStaleOnError(failure.status()) && !errorHook.test(failure.status())) {
          ErrorResponses.sendFailure(response, failure);
        }
        return;
      }
      if (head == null) {
        return;
      }
      if (head.status() >= 500 && serveStaleOnError(head.status())) {
        finish();
        return;
      }
      if (collapsed && varyMismatch(head)) {
        return;
      }
      if (errorHook.test(head.status())) {
        finish();
        return;
      }
      boolean body = writeHead(head);
      headWritten = true;
      if (!body) {
        finish();
        return;
      }
      if (headOnly) {
        finish();
        response.end();
        return;
      }
    }
    while (!response.writeQueueFull()) {
      Fill.Read read = pending != null ? pending : fill.read(this);
      pending = null;
      if (read.whole() != null) {
        writeWhole(read.whole());
        return;
      }
      if (read.chunk() != null) {
        if (window == null) {
          // Reading one ahead: when the end follows, head, body and end go out as one write (one
          // flush, one syscall) instead of two; with a crowd of waiters on one event loop, the
          // last of them waits for every one of these.
          Buffer out = read.chunk();
          Fill.Read next = fill.read(this);
          if (next.end()) {
            finish();
            response.end(out);
            return;
          }
          response.write(out);
          if (next.chunk() == null && next.error() == null) {
            return; // nothing yet: the fill wakes this reader when more arrives
          }
          // Already taken from the fill: handled first on the next turn, now or after a drain.
          pending = next;
        } else {
          Buffer part = window.next(read.chunk());
          if (part != null) {
            response.write(part);
          }
          if (window.isComplete()) {
            // The range is served; the fill goes on for the store and the other readers.
            finish();
            response.end();
            return;
          }
        }
      } else if (read.end()) {
        finish();
        response.end();
        return;
      } else if (read.error() != null) {
        // Headers are gone already: cutting the connection is the only honest way to say
        // "truncated".
        finish();
        response.reset();
        return;
      } else {
        return;
      }
    }
    response.drainHandler(v -> pump());
  }

  /**
   * Ends the response with the complete stored body (or the range's part of it), which the fill
   * handed over with a reference for this reader: head, body and end in one write, no copy.
   */
  private void writeWhole(StoredBody whole) {
    finish();
    if (window == null) {
      BodyWrites.end(response, whole, 0, whole.length());
      return;
    }
    long from = window.range().first();
    long to = Math.min(window.range().last() + 1, whole.length());
    if (from >= to) {
      whole.release();
      response.end();
      return;
    }
    BodyWrites.end(response, whole, (int) from, (int) (to - from));
  }

  /**
   * A joiner whose header values select another variant than the starter's must not be served this
   * response: it leaves and fills its own variant.
   */
  private boolean varyMismatch(ResponseHead head) {
    java.util.List<String> names = Vary.names(head.headers().getAll("Vary"));
    if (names == null || names.isEmpty()) {
      return false;
    }
    String mine = Vary.secondaryKey(names, StoredResponses.requestValues(request), varyNormalizer);
    String starter =
        Vary.secondaryKey(names, name -> fill.requestHeaders().getAll(name), varyNormalizer);
    if (java.util.Objects.equals(mine, starter)) {
      return false;
    }
    finish();
    refillAs.accept(mine);
    return true;
  }

  private boolean serveStaleOnError(int upstreamStatus) {
    long now = clock.millis();
    if (stale == null || !stale.servableOnError(now)) {
      return false;
    }
    // False when the stale object's body was freed meanwhile: it is gone, the error is sent.
    return StoredResponses.write(
        request,
        stale,
        now,
        new HitHeaders(viaToken, nodeId),
        StrataHeaders.HIT,
        CacheStatus.forward(
            nodeId,
            "stale",
            upstreamStatus,
            false,
            collapsed,
            stale.ttlSeconds(now),
            "served-stale-on-error"));
  }

  /**
   * Writes the response head: the viewer's own conditional request and a single {@code Range} are
   * answered from the upstream head. Returns false when the response is complete without a body
   * (304, 412, 416), which has then been ended.
   */
  private boolean writeHead(ResponseHead head) {
    long now = clock.millis();
    Rendered tier = rendered(head, now);
    String label = tier.label();
    String member = tier.member();
    MultiMap headers = head.headers();
    Preconditions.Outcome precondition =
        Preconditions.evaluate(
            request.method().name(),
            request.headers(),
            head.status(),
            headers.get("ETag"),
            headers.get("Last-Modified"),
            headers.get("Date"));
    if (precondition != Preconditions.Outcome.PROCEED) {
      response.setStatusCode(precondition.status());
      if (precondition == Preconditions.Outcome.NOT_MODIFIED) {
        NotModifiedHeaders.copy(headers, response.headers());
      }
      StoredResponses.tierHeaders(response, headers, head.ageSeconds(now), viaToken, label, member);
      response.end();
      return false;
    }
    RangeDecision range =
        head.status() == 200 && head.contentLength() >= 0
            ? ByteRanges.forRequest(
                request.method().name(),
                request.getHeader("Range"),
                request.getHeader("If-Range"),
                head.contentLength(),
                headers.get("ETag"),
                headers.get("Last-Modified"),
                headers.get("Date"))
            : RangeDecision.FULL;
    // forEach walks the map's own entries; addAll(MultiMap) would first copy them into a list.
    headers.forEach(response.headers()::add);
    response
        .headers()
        .set(HitHeaders.VIA, tier.via())
        .set(HitHeaders.AGE, tier.age())
        .set(HitHeaders.X_CACHE, label)
        .set(HitHeaders.CACHE_STATUS, tier.cacheStatus());
    if (range instanceof RangeDecision.Unsatisfiable unsatisfiable) {
      StoredResponses.endUnsatisfiable(response, unsatisfiable);
      return false;
    }
    // Several ranges on a miss are answered with the whole body (a server may ignore Range);
    // once stored, later requests get multipart/byteranges.
    if (range instanceof RangeDecision.Partial partial && !partial.isMultipart()) {
      response.setStatusCode(206);
      response
          .headers()
          .set("Content-Range", partial.contentRange())
          .set("Content-Length", Long.toString(partial.first().length()));
      window = new RangeWindow(partial.first());
      return true;
    }
    response.setStatusCode(head.status());
    if (head.status() == 200 && head.contentLength() >= 0) {
      response.headers().set("Accept-Ranges", "bytes");
    }
    if (head.contentLength() < 0 && !headOnly) {
      response.setChunked(true);
    }
    return true;
  }

  /**
   * This tier's headers for a response from {@code head} at one moment, and the inputs they depend
   * on. The readers of one fill (a crowd) mostly share them, so they are kept on the fill and
   * rendered again only when an input differs (the second changed, or this reader started the fill
   * while the others joined it).
   */
  private record Rendered(
      long ageSeconds,
      Long ttl,
      String fwd,
      boolean collapsed,
      String label,
      String member,
      String via,
      String age,
      String cacheStatus) {
    boolean matches(long ageSeconds, Long ttl, String fwd, boolean collapsed, String label) {
      return this.ageSeconds == ageSeconds
          && java.util.Objects.equals(this.ttl, ttl)
          && this.fwd.equals(fwd)
          && this.collapsed == collapsed
          && this.label.equals(label);
    }
  }

  private Rendered rendered(ResponseHead head, long now) {
    String label =
        StrataHeaders.xCache(
            head.status(), head.refreshed() ? StrataHeaders.REFRESH_HIT : xCache, head.headers());
    long age = head.ageSeconds(now);
    Long ttl = head.storable() ? head.lifetimeSeconds() - age : null;
    String forwardedBecause = head.refreshed() ? "stale" : fwd;
    if (fill.rendered() instanceof Rendered r
        && r.matches(age, ttl, forwardedBecause, collapsed, label)) {
      return r;
    }
    String member =
        CacheStatus.forward(
            nodeId, forwardedBecause, head.upstreamStatus(), head.storable(), collapsed, ttl, null);
    MultiMap headers = head.headers();
    String upstreamVia = headers.get(StrataHeaders.VIA);
    Rendered r =
        new Rendered(
            age,
            ttl,
            forwardedBecause,
            collapsed,
            label,
            member,
            upstreamVia == null ? viaToken : upstreamVia + ", " + viaToken,
            Long.toString(age),
            CacheStatus.append(headers.get(CacheStatus.HEADER), member));
    fill.rendered(r);
    return r;
  }

  private void finish() {
    if (!done) {
      done = true;
      fill.leave(this);
    }
  }
}
