package io.strata.core.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One stored response: status, end-to-end headers, the whole body, what {@link Cacheability}
 * decided for it, and the times needed for the RFC 9111 §4.2.3 age calculation. Immutable; safe to
 * share between event loops. A stale object stays stored for a while so it can be revalidated or
 * served stale where RFC 5861 or CloudFront's error rule allows.
 *
 * <p>{@code headers} excludes hop-by-hop headers and those each tier writes for itself ({@code
 * Age}, {@code X-Cache}, {@code Cache-Status}, {@code X-Strata-Request-Id}); {@code Via} holds the
 * tiers behind this one.
 *
 * <p>Compact, because a node holds many of these: the headers are one flat array of name/value
 * pairs (names shared {@link AsciiString}s, values that repeat across objects shared, see {@link
 * SharedText}) rather than a map of entry objects, and equal cache decisions are one instance; a
 * heap body is kept as its array, the object being that body's {@link StoredBody} ({@link #body()},
 * the only way callers should reach the body's methods). {@code load-tests}' {@code EntryOverhead}
 * measures what an entry costs; {@link #weight} charges those measured figures.
 */
public sealed class CachedObject extends StoredBody permits CachedObject.ErrorWindow {
  /**
   * What an entry without headers costs on the heap beyond its body bytes and its key, measured
   * with {@code EntryOverhead} (214 B in all for a 20-byte path: Caffeine's node 40 B, its map's
   * node 32 B and table slots ~10 B; this object 48 B, which holds a heap body's array itself; the
   * array's header 16 B plus its padding to 8 bytes; and the key's 64 B, which the store charges
   * apart, by its path's length: {@link CacheKey#heapBytes}), rounded up.
   */
  static final int ENTRY_OVERHEAD_BYTES = 160;

  /**
   * What a direct body adds on the heap to {@link #ENTRY_OVERHEAD_BYTES} (its {@link StoredBody} 16
   * B, its Netty buffer 72 B and reference count 16 B, Netty's cleanable 16 B, the JDK's {@code
   * DirectByteBuffer} 64 B with its deallocator 32 B and cleaner 40 B, instead of a heap array's
   * header and padding): 236 B measured with {@code EntryOverhead} on 64 KiB bodies (450 B in all
   * without headers), rounded up. Its bytes are charged as any body's.
   */
  static final int DIRECT_BODY_OVERHEAD_BYTES = 240;

  /**
   * What one stored header costs beyond its value's characters (its array slots and the value's own
   * object; names are shared), rounded up from the measurement.
   */
  static final int HEADER_OVERHEAD_BYTES = 16;

  private static final CharSequence[] NO_HEADERS = new CharSequence[0];

  /** RFC 9111 §3.2: what a 304 must not change in the stored headers. */
  private static final Set<String> NOT_UPDATED_BY_304 =
      Set.of("content-length", "content-encoding", "content-range", "content-type");

  private final int status;

  /** Name, value, name, value...: names are {@link AsciiString}s, values {@link String}s. */
  private final CharSequence[] headers;

  /**
   * The body: its bytes when it is on the heap, this object then being its own {@link StoredBody}
   * (see {@link #body()}: a separate wrapper would cost every entry 16 bytes), else the direct
   * {@link StoredBody}.
   */
  private final Object body;

  /**
   * When the RFC 9111 §4.2.3 age of this response was zero: its response time minus its corrected
   * initial age. One field for the two, since the age is all they are read for ({@code current_age}
   * = now − this).
   */
  private final long ageZeroMillis;

  private final CacheDecision decision;

  /**
   * When the store stops keeping this object ({@link CacheStore} sets it as the object goes in):
   * its retention, counted from that write. Caffeine's per-entry expiry held this in its node, at
   * 16 bytes per entry; here its 8 bytes are those {@link #ageZeroMillis} saved.
   */
  private volatile long retainUntilMillis = Long.MAX_VALUE;

  /**
   * What the proxy rendered for this entry's responses (its {@code Via}, the {@code Age} of the
   * current second...), kept so that hits within the same second render nothing. Written without
   * locking: it is an immutable value the proxy may recompute at any time.
   */
  private volatile Object rendered;

  public CachedObject(
      int status,
      MultiMap headers,
      StoredBody body,
      long responseTimeMillis,
      long correctedInitialAgeMillis,
      CacheDecision decision) {
    this(status, flatten(headers), body, responseTimeMillis, correctedInitialAgeMillis, decision);
  }

  private CachedObject(
      int status,
      CharSequence[] headers,
      StoredBody body,
      long responseTimeMillis,
      long correctedInitialAgeMillis,
      CacheDecision decision) {
    this(
        status,
        headers,
        StoredBody.contents(body),
        responseTimeMillis - Math.max(0, correctedInitialAgeMillis),
        SharedText.decision(decision));
  }

  /**
   * @param body what {@link StoredBody#contents} keeps of the body
   */
  private CachedObject(
      int status, CharSequence[] headers, Object body, long ageZeroMillis, CacheDecision decision) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.ageZeroMillis = ageZeroMillis;
    this.decision = decision;
  }

  /**
   * An object marked with an error window ({@link #withErrorWindowUntil}): rare, so the deadline
   * lives in this subclass rather than costing every entry 8 bytes.
   */
  static final class ErrorWindow extends CachedObject {
    private final long errorServeUntilMillis;

    private ErrorWindow(CachedObject from, CacheDecision decision, long errorServeUntilMillis) {
      super(
          from.status, from.headers, from.body, from.ageZeroMillis, SharedText.decision(decision));
      this.errorServeUntilMillis = errorServeUntilMillis;
    }

    @Override
    long errorServeUntilMillis() {
      return errorServeUntilMillis;
    }
  }

  /** Until when errors are served this object without asking upstream; 0 when never marked. */
  long errorServeUntilMillis() {
    return 0;
  }

  private static CharSequence[] flatten(MultiMap headers) {
    if (headers.isEmpty()) {
      return NO_HEADERS;
    }
    List<CharSequence> flat = new ArrayList<>();
    for (var e : headers) {
      flat.add(SharedText.name(e.getKey()));
      flat.add(SharedText.value(e.getKey(), e.getValue()));
    }
    return flat.toArray(NO_HEADERS);
  }

  public int status() {
    return status;
  }

  /**
   * The stored headers as a new map (a copy: changing it changes nothing stored). For the miss and
   * revalidation paths; a hit walks {@link #headerName}/{@link #headerValue} instead.
   */
  public MultiMap headers() {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    return map;
  }

  /** How many header fields are stored (a name with two values counts twice). */
  public int headerCount() {
    return headers.length >> 1;
  }

  /** The name of stored header field {@code i}, as a shared {@link AsciiString}. */
  public CharSequence headerName(int i) {
    return headers[i << 1];
  }

  public CharSequence headerValue(int i) {
    return headers[(i << 1) + 1];
  }

  /** The first stored value of a header (any case), or null. */
  public String header(String name) {
    for (int i = 0; i < headers.length; i += 2) {
      if (AsciiString.contentEqualsIgnoreCase(headers[i], name)) {
        return headers[i + 1].toString();
      }
    }
    return null;
  }

  /** Every stored value of a header (any case), in order; empty when absent. */
  public List<String> headerValues(String name) {
    List<String> values = new ArrayList<>(2);
    for (int i = 0; i < headers.length; i += 2) {
      if (AsciiString.contentEqualsIgnoreCase(headers[i], name)) {
        values.add(headers[i + 1].toString());
      }
    }
    return values;
  }

  /** What the proxy last rendered for this entry (see the field), or null. */
  public Object rendered() {
    return rendered;
  }

  public void rendered(Object value) {
    rendered = value;
  }

  /**
   * The body. A direct body is freed once the entry has left the store and its last write
   * completed: take a reference ({@link StoredBody#retain()}) before reading it outside the store's
   * lookup.
   */
  public StoredBody body() {
    return body instanceof byte[] ? this : (StoredBody) body;
  }

  /** The body as {@link StoredBody#contents} keeps it: a heap body's array, or a direct body. */
  Object contents() {
    return body;
  }

  // This object as its body's StoredBody: the heap array's, or the direct body's methods.

  @Override
  public int length() {
    return body instanceof byte[] bytes ? bytes.length : ((StoredBody) body).length();
  }

  @Override
  public boolean isDirect() {
    return !(body instanceof byte[]);
  }

  @Override
  public boolean retain() {
    return body instanceof byte[] || ((StoredBody) body).retain();
  }

  @Override
  public void release() {
    if (!(body instanceof byte[])) {
      ((StoredBody) body).release();
    }
  }

  @Override
  public ByteBuf view(int from, int length) {
    return body instanceof byte[] bytes
        ? Unpooled.wrappedBuffer(bytes, from, length)
        : ((StoredBody) body).view(from, length);
  }

  @Override
  public void copyTo(ByteBuf out, int from, int length) {
    if (body instanceof byte[] bytes) {
      out.writeBytes(bytes, from, length);
    } else {
      ((StoredBody) body).copyTo(out, from, length);
    }
  }

  @Override
  public int refCnt() {
    return body instanceof byte[] ? 1 : ((StoredBody) body).refCnt();
  }

  public CacheDecision decision() {
    return decision;
  }

  /** The header names this response varies on (lower case, sorted); empty when it does not. */
  public List<String> varyNames() {
    List<String> names = Vary.names(headerValues("Vary"));
    return names == null ? List.of() : names;
  }

  /**
   * Bytes this object is charged against the node's byte budget: the body (on the heap or direct),
   * each header's value and overhead, and the measured fixed cost of an entry. The store adds its
   * key's bytes. Computed when asked (when stored), not kept.
   */
  public int weight() {
    long bytes =
        (long) length() + ENTRY_OVERHEAD_BYTES + (isDirect() ? DIRECT_BODY_OVERHEAD_BYTES : 0);
    for (int i = 1; i < headers.length; i += 2) {
      bytes += headers[i].length() + HEADER_OVERHEAD_BYTES;
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  public String etag() {
    return header("ETag");
  }

  public String lastModified() {
    return header("Last-Modified");
  }

  /**
   * RFC 9111 §4.2.3 {@code current_age} in milliseconds at {@code nowMillis} (never negative, even
   * when the clock was set back).
   */
  public long currentAgeMillis(long nowMillis) {
    return Math.max(0, nowMillis - ageZeroMillis);
  }

  /** The {@code Age} header value: whole seconds since the origin produced or last validated it. */
  public long ageSeconds(long nowMillis) {
    return currentAgeMillis(nowMillis) / 1000;
  }

  /** Fresh, and not {@code no-cache}: may be served without asking upstream. */
  public boolean isFresh(long nowMillis) {
    return !decision.revalidateAlways() && lifetimeMillis() > currentAgeMillis(nowMillis);
  }

  /** Seconds of freshness left; negative when stale (the {@code ttl} of {@code Cache-Status}). */
  public long ttlSeconds(long nowMillis) {
    return Math.floorDiv(lifetimeMillis() - currentAgeMillis(nowMillis), 1000L);
  }

  /**
   * RFC 5861 {@code stale-while-revalidate}: may be served at once while one request revalidates.
   */
  public boolean servableWhileRevalidating(long nowMillis) {
    long staleness = currentAgeMillis(nowMillis) - lifetimeMillis();
    return !decision.mustRevalidate()
        && !decision.revalidateAlways()
        && staleness <= decision.staleWhileRevalidateSeconds() * 1000L;
  }

  /**
   * May be served when the upstream fails (5xx, connect failure, timeout): within RFC 5861 {@code
   * stale-if-error} when the origin gave it, otherwise by CloudFront's rule (any expired object),
   * never with {@code must-revalidate}, {@code proxy-revalidate}, {@code s-maxage} or {@code
   * stale-if-error=0}.
   */
  public boolean servableOnError(long nowMillis) {
    if (decision.mustRevalidate()) {
      return false;
    }
    long sie = decision.staleIfErrorSeconds();
    return sie < 0 || currentAgeMillis(nowMillis) - lifetimeMillis() <= sie * 1000L;
  }

  /**
   * Inside the window after an upstream failure during which CloudFront serves the expired object
   * without asking the origin again (its error caching minimum TTL).
   */
  public boolean inErrorWindow(long nowMillis) {
    return nowMillis < errorServeUntilMillis();
  }

  /** A copy served on errors without asking upstream until {@code untilMillis}. */
  public CachedObject withErrorWindowUntil(long untilMillis) {
    return new ErrorWindow(this, decision, untilMillis);
  }

  /**
   * A copy that is stale from {@code nowMillis} on (soft invalidation): the next request
   * revalidates it with its validators, or may be served it stale where RFC 5861 or CloudFront's
   * error rule allows.
   */
  public CachedObject staleFrom(long nowMillis) {
    long lifetime = Math.min(decision.lifetimeSeconds(), currentAgeMillis(nowMillis) / 1000);
    CacheDecision stale =
        new CacheDecision(
            decision.storable(),
            lifetime,
            decision.revalidateAlways(),
            decision.staleWhileRevalidateSeconds(),
            decision.staleIfErrorSeconds(),
            decision.mustRevalidate(),
            decision.reason());
    return this instanceof ErrorWindow
        ? new ErrorWindow(this, stale, errorServeUntilMillis())
        : new CachedObject(status, headers, body, ageZeroMillis, SharedText.decision(stale));
  }

  /**
   * The object after a {@code 304 Not Modified} (RFC 9111 §4.3.4): the 304's headers replace the
   * stored ones of the same name, the body stays, age and freshness start again from the 304.
   */
  public CachedObject refreshedBy(
      MultiMap notModifiedHeaders,
      long responseTimeMillis,
      long correctedInitialAgeMillis,
      CacheDecision decision) {
    MultiMap merged = headers();
    for (String name : notModifiedHeaders.names()) {
      if (!NOT_UPDATED_BY_304.contains(name.toLowerCase(Locale.ROOT))) {
        merged.set(name, notModifiedHeaders.getAll(name));
      }
    }
    return new CachedObject(
        status, merged, body(), responseTimeMillis, correctedInitialAgeMillis, decision);
  }

  /**
   * How long the store keeps this object from {@code nowMillis}: while fresh, then as long as it
   * may still be revalidated or served stale ({@code staleRetentionMillis} at least).
   */
  long retentionMillis(long nowMillis, long staleRetentionMillis) {
    long fresh = Math.max(0, lifetimeMillis() - currentAgeMillis(nowMillis));
    long stale =
        Math.max(
            staleRetentionMillis,
            Math.max(decision.staleWhileRevalidateSeconds(), decision.staleIfErrorSeconds())
                * 1000L);
    return fresh + stale;
  }

  /** When the store stops keeping this object (see the field); set as the object is stored. */
  long retainUntilMillis() {
    return retainUntilMillis;
  }

  void retainUntilMillis(long millis) {
    retainUntilMillis = millis;
  }

  /** Past its retention at {@code nowMillis}: the store treats it as gone. */
  boolean pastRetention(long nowMillis) {
    return nowMillis >= retainUntilMillis;
  }

  private long lifetimeMillis() {
    return Math.multiplyExact(decision.lifetimeSeconds(), 1000L);
  }

  /**
   * The RFC 9111 §4.2.3 corrected initial age of a response received at {@code responseTimeMillis}
   * for a request sent at {@code requestTimeMillis}.
   *
   * @param ageHeaderSeconds the upstream {@code Age} value, or -1 when absent or invalid
   * @param dateMillis the upstream {@code Date} value, or -1 when absent or invalid
   */
  public static long correctedInitialAgeMillis(
      long requestTimeMillis, long responseTimeMillis, long ageHeaderSeconds, long dateMillis) {
    long apparentAge = dateMillis < 0 ? 0 : Math.max(0, responseTimeMillis - dateMillis);
    long responseDelay = Math.max(0, responseTimeMillis - requestTimeMillis);
    long correctedAgeValue = Math.max(0, ageHeaderSeconds) * 1000L + responseDelay;
    return Math.max(apparentAge, correctedAgeValue);
  }
}
