package io.strata.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GcLogSummaryTest {
  @Test
  void countsPausesFullCollectionsAndLargestHeapAfterCollection() {
    GcLogSummary s =
        GcLogSummary.of(
            List.of(
                "[0.004s][info][gc] Using G1",
                "[0.469s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->14M(37M)"
                    + " 2.901ms",
                "[1.2s][info][gc] GC(1) Pause Remark 21M->21M(40M) 11.524ms",
                "[9.1s][info][gc] GC(2) Pause Full (System.gc()) 80M->30M(256M) 61.250ms",
                "[9.2s][info][gc,task] GC(3) Using 2 workers of 2 for evacuation"));
    assertEquals(3, s.pauses());
    assertEquals(1, s.fullPauses());
    assertEquals(61.25, s.longestFullMillis(), 1e-9);
    assertEquals(61.25, s.longestPauseMillis(), 1e-9);
    assertEquals(30, s.maxAfterMiB());
  }

  @Test
  void emptyLogHasNoPauses() {
    GcLogSummary s = GcLogSummary.of(List.of());
    assertEquals(0, s.pauses());
    assertEquals(0, s.maxAfterMiB());
  }
}
