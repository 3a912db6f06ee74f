package io.strata.core.cache;

import io.strata.core.routing.Route;
import io.strata.core.routing.Router;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a stored response is filed under: the distribution, the normalised viewer host, the path,
 * the method ({@code GET} for GET and HEAD, which share entries; {@code OPTIONS} when the behavior
 * caches it, as CloudFront keys it), the normalised {@code Accept-Encoding} when the behavior
 * compresses ({@code br,gzip}, {@code gzip}, {@code br} or {@code ""}, as CloudFront keys it), and
 * — for a response with {@code Vary} — the secondary key of the request's values for the headers it
 * varies on ({@code ""} for the primary key). GET and HEAD share a key. Built only by {@link #of},
 * the constructor and {@link #withVariant}, so lookup, fill and store always agree. Immutable;
 * equal keys have equal hashes whatever form they are in.
 *
 * <p>Compact, because the store keeps one per entry (24 bytes beside the path's bytes, against 64
 * for six fields and a path string): everything but the path is one {@link Scope} — distribution,
 * host, method, coding, variant — that the keys of a node's entries share (a bounded table of the
 * scopes of stored keys); the path is a {@link String} in a key built for a request, and its
 * Latin-1 bytes in a key the store keeps ({@link #stored()}); the hash is computed once.
 */
public final class CacheKey {
  /** The method of entries that GET and HEAD requests share. */
  public static final String GET = "GET";

  /** The method of cached OPTIONS responses. */
  public static final String OPTIONS = "OPTIONS";

  private final Scope scope;

  /**
   * A {@link String}, or in a stored key its Latin-1 bytes ({@code byte[]}); a path with a
   * character beyond Latin-1 stays a string.
   */
  private final Object path;

  /** {@code 31 * scope.hash + } the path's {@link String#hashCode}, whatever form it is in. */
  private final int hash;

  public CacheKey(
      String distributionId,
      String host,
      String path,
      String method,
      String acceptEncoding,
      String variant) {
    this(
        Scope.find(
            Objects.requireNonNull(distributionId, "distributionId"),
            Objects.requireNonNull(host, "host"),
            Objects.requireNonNull(method, "method"),
            Objects.requireNonNull(acceptEncoding, "acceptEncoding"),
            Objects.requireNonNull(variant, "variant")),
        Objects.requireNonNull(path, "path"),
        path.hashCode());
  }

  private CacheKey(Scope scope, Object path, int pathHash) {
    this.scope = scope;
    this.path = path;
    this.hash = 31 * scope.hash + pathHash;
  }

  /**
   * The primary key for a request routed to {@code route}, with its {@code Host} (or authority) and
   * path (no query).
   */
  public static CacheKey of(Route route, String host, String path) {
    return of(route, host, path, GET, "");
  }

  /**
   * The primary key for {@code method} ({@link #GET} or {@link #OPTIONS}) of the variant compressed
   * for a normalised {@code Accept-Encoding}.
   */
  public static CacheKey of(
      Route route, String host, String path, String method, String acceptEncoding) {
    String normalized = Router.normalizeHost(host);
    return new CacheKey(
        route.distribution().id(),
        normalized == null ? "" : normalized,
        path,
        method,
        acceptEncoding,
        "");
  }

  public String distributionId() {
    return scope.distributionId;
  }

  public String host() {
    return scope.host;
  }

  /** The path (no query). A stored key makes a new string of its bytes: not for hit paths. */
  public String path() {
    return path instanceof String s ? s : new String((byte[]) path, StandardCharsets.ISO_8859_1);
  }

  public String method() {
    return scope.method;
  }

  public String acceptEncoding() {
    return scope.acceptEncoding;
  }

  public String variant() {
    return scope.variant;
  }

  /** The key of one variant of this primary key. */
  public CacheKey withVariant(String secondaryKey) {
    Objects.requireNonNull(secondaryKey, "variant");
    return new CacheKey(scope.withVariant(secondaryKey), path, hash - 31 * scope.hash);
  }

  /** The primary key this key is a variant of (itself when it is primary). */
  public CacheKey primary() {
    return scope.variant.isEmpty()
        ? this
        : new CacheKey(scope.withVariant(""), path, hash - 31 * scope.hash);
  }

  /**
   * This key as the store keeps it: its scope the shared instance (while the table has room) and
   * its path as bytes. Equal to this key, with the same hash.
   */
  CacheKey stored() {
    Scope shared = Scope.intern(scope);
    Object bytes = path instanceof String s ? latin1(s) : path;
    return shared == scope && bytes == path
        ? this
        : new CacheKey(shared, bytes, hash - 31 * scope.hash);
  }

  /**
   * What this key costs on the heap as the store keeps it ({@link #stored()}), charged to its
   * entry: this object, its path's bytes, and its scope when the scope is not shared.
   */
  int heapBytes() {
    int bytes = OBJECT_BYTES;
    if (path instanceof String s && !fitsLatin1(s)) {
      // Kept as a string of UTF-16 characters.
      bytes += STRING_BYTES + arrayBytes(2 * s.length());
    } else {
      bytes += arrayBytes(path instanceof String s ? s.length() : ((byte[]) path).length);
    }
    if (!scope.isShared()) {
      bytes += Scope.OBJECT_BYTES + STRING_BYTES + arrayBytes(scope.variant.length());
    }
    return bytes;
  }

  /** This object's size with compressed class pointers and references (checked with JOL). */
  static final int OBJECT_BYTES = 24;

  private static final int STRING_BYTES = 24;

  /** A byte array's size: a 16-byte header, the bytes, padding to 8 bytes. */
  private static int arrayBytes(int length) {
    return (16 + length + 7) & ~7;
  }

  /**
   * A stable string form of the primary key, used to pick a regional node by consistent hashing.
   */
  public String hashInput() {
    return scope.distributionId + '\n' + scope.host + '\n' + path();
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof CacheKey k
            && k.hash == hash
            && samePath(path, k.path)
            && (k.scope == scope || k.scope.equals(scope)));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "CacheKey[distributionId="
        + scope.distributionId
        + ", host="
        + scope.host
        + ", path="
        + path()
        + ", method="
        + scope.method
        + ", acceptEncoding="
        + scope.acceptEncoding
        + ", variant="
        + scope.variant
        + "]";
  }

  /** The Latin-1 bytes of {@code s}, or {@code s} itself when a character does not fit. */
  private static Object latin1(String s) {
    return fitsLatin1(s) ? s.getBytes(StandardCharsets.ISO_8859_1) : s;
  }

  private static boolean fitsLatin1(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) {
        return false;
      }
    }
    return true;
  }

  private static boolean samePath(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a instanceof String s) {
      return b instanceof String t ? s.equals(t) : sameText(s, (byte[]) b);
    }
    return b instanceof byte[] c ? Arrays.equals((byte[]) a, c) : sameText((String) b, (byte[]) a);
  }

  /** Whether {@code s} is the Latin-1 text {@code bytes}. */
  private static boolean sameText(String s, byte[] bytes) {
    if (s.length() != bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if (s.charAt(i) != (bytes[i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Everything in a key but the path. The scopes of stored keys are shared through a bounded table
   * (by host, then by distribution, method and coding; a primary scope holds its variants): a key
   * built for a request finds its scope there without allocating, or gets a new one (a miss, or a
   * full table). Beyond {@link #MAX_PRIMARIES} primary scopes, {@link #MAX_VARIANTS} variant ones
   * or {@link #MAX_VARIANTS_PER_PRIMARY} variants of one primary scope (so that one URL varying on
   * a cookie cannot use them all), each stored key keeps its own scope, as before: nothing breaks,
   * only the sharing stops.
   */
  static final class Scope {
    static final int OBJECT_BYTES = 40;
    static final int MAX_PRIMARIES = 4096;
    static final int MAX_VARIANTS = 8192;
    static final int MAX_VARIANTS_PER_PRIMARY = 64;

    /** Shared primary scopes (variant {@code ""}) by host. Copy-on-write arrays. */
    private static final ConcurrentHashMap<String, Scope[]> BY_HOST = new ConcurrentHashMap<>();

    private static final AtomicInteger PRIMARIES = new AtomicInteger();
    private static final AtomicInteger VARIANTS = new AtomicInteger();

    final String distributionId;
    final String host;
    final String method;
    final String acceptEncoding;
    final String variant;
    final int hash;

    /** In a shared primary scope: its shared variants, created when the first is stored. */
    private volatile ConcurrentHashMap<String, Scope> variants;

    private Scope(
        String distributionId, String host, String method, String acceptEncoding, String variant) {
      this.distributionId = distributionId;
      this.host = host;
      this.method = method;
      this.acceptEncoding = acceptEncoding;
      this.variant = variant;
      int h = distributionId.hashCode();
      h = 31 * h + host.hashCode();
      h = 31 * h + method.hashCode();
      h = 31 * h + acceptEncoding.hashCode();
      this.hash = 31 * h + variant.hashCode();
    }

    /** The shared scope of these values, or a new one when none is shared. */
    static Scope find(
        String distributionId, String host, String method, String acceptEncoding, String variant) {
      Scope primary = sharedPrimary(distributionId, host, method, acceptEncoding);
      if (primary != null) {
        return variant.isEmpty() ? primary : primary.withVariant(variant);
      }
      return new Scope(distributionId, host, method, acceptEncoding, variant);
    }

    private static Scope sharedPrimary(
        String distributionId, String host, String method, String acceptEncoding) {
      Scope[] candidates = BY_HOST.get(host);
      if (candidates != null) {
        for (Scope s : candidates) {
          if (s.distributionId.equals(distributionId)
              && s.method.equals(method)
              && s.acceptEncoding.equals(acceptEncoding)) {
            return s;
          }
        }
      }
      return null;
    }

    /** Whether a stored key with these values holds the shared scope (this one or an equal one). */
    boolean isShared() {
      Scope primary = sharedPrimary(distributionId, host, method, acceptEncoding);
      if (primary == null || variant.isEmpty()) {
        return primary != null;
      }
      ConcurrentHashMap<String, Scope> shared = primary.variants;
      return shared != null && shared.containsKey(variant);
    }

    /** This scope with another variant: the shared one when there is one. */
    Scope withVariant(String other) {
      if (other.equals(variant)) {
        return this;
      }
      if (!variant.isEmpty()) {
        return find(distributionId, host, method, acceptEncoding, other);
      }
      ConcurrentHashMap<String, Scope> shared = variants;
      Scope found = shared == null ? null : shared.get(other);
      return found != null ? found : new Scope(distributionId, host, method, acceptEncoding, other);
    }

    /** The shared scope equal to {@code scope}, made shared if the table has room; else itself. */
    static Scope intern(Scope scope) {
      Scope primary =
          sharedPrimary(scope.distributionId, scope.host, scope.method, scope.acceptEncoding);
      if (primary == null) {
        primary = internPrimary(scope);
        if (primary == null) {
          // Full: the key keeps its own scope, its host text still shared where it can be.
          String host = SharedText.text(scope.host);
          return host == scope.host
              ? scope
              : new Scope(
                  scope.distributionId, host, scope.method, scope.acceptEncoding, scope.variant);
        }
      }
      if (scope.variant.isEmpty()) {
        return primary;
      }
      ConcurrentHashMap<String, Scope> shared = primary.variants;
      if (shared == null) {
        synchronized (primary) {
          shared = primary.variants;
          if (shared == null) {
            shared = new ConcurrentHashMap<>();
            primary.variants = shared;
          }
        }
      }
      Scope found = shared.get(scope.variant);
      if (found != null) {
        return found;
      }
      if (shared.size() >= MAX_VARIANTS_PER_PRIMARY || !reserve(VARIANTS, MAX_VARIANTS)) {
        return scope;
      }
      Scope fresh =
          new Scope(
              primary.distributionId,
              primary.host,
              primary.method,
              primary.acceptEncoding,
              scope.variant);
      Scope raced = shared.putIfAbsent(scope.variant, fresh);
      if (raced != null) {
        VARIANTS.decrementAndGet();
        return raced;
      }
      return fresh;
    }

    /** Adds the primary scope of {@code scope} to the table; null when it is full. */
    private static Scope internPrimary(Scope scope) {
      if (!reserve(PRIMARIES, MAX_PRIMARIES)) {
        return null;
      }
      String host = SharedText.text(scope.host);
      Scope fresh = new Scope(scope.distributionId, host, scope.method, scope.acceptEncoding, "");
      Scope[] result = new Scope[1];
      BY_HOST.compute(
          host,
          (h, old) -> {
            if (old != null) {
              for (Scope s : old) {
                if (s.equals(fresh)) {
                  result[0] = s;
                  return old;
                }
              }
            }
            result[0] = fresh;
            Scope[] grown = old == null ? new Scope[1] : Arrays.copyOf(old, old.length + 1);
            grown[grown.length - 1] = fresh;
            return grown;
          });
      if (result[0] != fresh) {
        PRIMARIES.decrementAndGet();
      }
      return result[0];
    }

    private static boolean reserve(AtomicInteger count, int max) {
      while (true) {
        int n = count.get();
        if (n >= max) {
          return false;
        }
        if (count.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    @Override
    public boolean equals(Object o) {
      return o == this
          || (o instanceof Scope s
              && s.hash == hash
              && s.distributionId.equals(distributionId)
              && s.host.equals(host)
              && s.method.equals(method)
              && s.acceptEncoding.equals(acceptEncoding)
              && s.variant.equals(variant));
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
