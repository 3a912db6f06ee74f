package io.strata.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConsistentHashRingTest {
  private static final List<String> THREE =
      List.of("http://10.0.0.1:8081", "http://10.0.0.2:8081", "http://10.0.0.3:8081");

  @Test
  void preferenceNamesEveryMemberOnceOwnerFirst() {
    int[] order = new ConsistentHashRing(THREE).preference("site\nlocalhost\n/a.css");
    assertEquals(3, order.length);
    assertEquals(3, java.util.Arrays.stream(order).distinct().count());
  }

  @Test
  void sameKeyAlwaysPicksTheSameMember() {
    ConsistentHashRing a = new ConsistentHashRing(THREE);
    ConsistentHashRing b = new ConsistentHashRing(THREE);
    for (int i = 0; i < 100; i++) {
      assertArrayEquals(a.preference("/k" + i), b.preference("/k" + i));
    }
  }

  @Test
  void keysSpreadRoughlyEvenly() {
    ConsistentHashRing ring = new ConsistentHashRing(THREE);
    int[] owned = new int[3];
    int keys = 30_000;
    for (int i = 0; i < keys; i++) {
      owned[ring.preference("site\nlocalhost\n/objects/" + i)[0]]++;
    }
    for (int n : owned) {
      assertTrue(n > keys / 3 * 0.8 && n < keys / 3 * 1.2, java.util.Arrays.toString(owned));
    }
  }

  @Test
  void removingAMemberMovesOnlyItsKeys() {
    ConsistentHashRing full = new ConsistentHashRing(THREE);
    ConsistentHashRing without = new ConsistentHashRing(THREE.subList(0, 2));
    for (int i = 0; i < 5_000; i++) {
      String key = "/k" + i;
      int owner = full.preference(key)[0];
      if (owner != 2) {
        assertEquals(owner, without.preference(key)[0], key);
      } else {
        // Its keys go to the member that came next on the full ring.
        assertEquals(full.preference(key)[1], without.preference(key)[0], key);
      }
    }
  }
}
