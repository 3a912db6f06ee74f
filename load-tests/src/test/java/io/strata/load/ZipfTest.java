package io.strata.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZipfTest {
  @Test
  void ranksStayInTheCatalogueAndFollowOneOverK() {
    int n = 1000;
    LongTail.Zipf zipf = new LongTail.Zipf(n, 1.0, 7);
    int[] counts = new int[n + 1];
    int draws = 200_000;
    for (int i = 0; i < draws; i++) {
      int k = zipf.next();
      assertTrue(k >= 1 && k <= n, "rank " + k);
      counts[k]++;
    }
    double harmonic = 0;
    for (int k = 1; k <= n; k++) {
      harmonic += 1.0 / k;
    }
    // Rank 1 is drawn with probability 1/H(n), rank 2 half as often.
    assertEquals(draws / harmonic, counts[1], draws / harmonic * 0.05);
    assertEquals(counts[1] / 2.0, counts[2], counts[1] * 0.05);
  }

  @Test
  void sameSeedGivesTheSameSequence() {
    LongTail.Zipf a = new LongTail.Zipf(500, 1.1, 3);
    LongTail.Zipf b = new LongTail.Zipf(500, 1.1, 3);
    for (int i = 0; i < 1000; i++) {
      assertEquals(a.next(), b.next());
    }
  }
}
