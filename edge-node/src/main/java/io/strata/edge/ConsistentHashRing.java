package io.strata.edge;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring over a fixed list of members, with virtual points per member so load
 * spreads evenly and removing a member moves only its share of keys. Immutable and thread-safe.
 */
public final class ConsistentHashRing {
  static final int POINTS_PER_MEMBER = 160;

  private final int memberCount;
  private final long[] points;
  private final int[] owners;

  /**
   * @param memberNames stable names (e.g. base URLs); a member's position depends only on its name
   */
  public ConsistentHashRing(List<String> memberNames) {
    if (memberNames.isEmpty()) {
      throw new IllegalArgumentException("memberNames: [] (expected: at least one member)");
    }
    memberCount = memberNames.size();
    int n = memberCount * POINTS_PER_MEMBER;
    long[][] pairs = new long[n][];
    for (int m = 0; m < memberCount; m++) {
      for (int v = 0; v < POINTS_PER_MEMBER; v++) {
        pairs[m * POINTS_PER_MEMBER + v] = new long[] {hash(memberNames.get(m) + '#' + v), m};
      }
    }
    Arrays.sort(pairs, (a, b) -> Long.compare(a[0], b[0]));
    points = new long[n];
    owners = new int[n];
    for (int i = 0; i < n; i++) {
      points[i] = pairs[i][0];
      owners[i] = (int) pairs[i][1];
    }
  }

  /**
   * Every member once, in the order a request for {@code key} should try them: the owner of the key
   * first, then the owners met walking the ring clockwise.
   */
  public int[] preference(String key) {
    int[] order = new int[memberCount];
    boolean[] seen = new boolean[memberCount];
    int found = 0;
    int i = Arrays.binarySearch(points, hash(key));
    if (i < 0) {
      i = -i - 1;
    }
    for (int step = 0; step < points.length && found < memberCount; step++) {
      int owner = owners[(i + step) % points.length];
      if (!seen[owner]) {
        seen[owner] = true;
        order[found++] = owner;
      }
    }
    return order;
  }

  /** 64-bit FNV-1a over UTF-8, finished with MurmurHash3's fmix64 for avalanche. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
