package io.strata.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangesTest {

  private static RangeDecision.Partial partial(String header, long length) {
    return assertInstanceOf(RangeDecision.Partial.class, ByteRanges.evaluate(header, length));
  }

  private static void assertFull(String header, long length) {
    assertSame(RangeDecision.FULL, ByteRanges.evaluate(header, length));
  }

  @Test
  void singleClosedRangeIsPartialWithContentRange() {
    RangeDecision.Partial p = partial("bytes=0-499", 10_000);
    assertEquals(List.of(new ByteRange(0, 499)), p.ranges());
    assertEquals("bytes 0-499/10000", p.contentRange());
    assertEquals(500, p.first().length());
    assertEquals(false, p.isMultipart());
  }

  @Test
  void lastPositionBeyondTheEndIsClamped() {
    assertEquals("bytes 9500-9999/10000", partial("bytes=9500-20000", 10_000).contentRange());
  }

  @Test
  void openEndedRangeRunsToTheEnd() {
    assertEquals("bytes 9500-9999/10000", partial("bytes=9500-", 10_000).contentRange());
  }

  @Test
  void suffixRangeSelectsTheLastBytes() {
    assertEquals("bytes 9500-9999/10000", partial("bytes=-500", 10_000).contentRange());
  }

  @Test
  void suffixLongerThanTheRepresentationSelectsAllOfIt() {
    assertEquals("bytes 0-99/100", partial("bytes=-5000", 100).contentRange());
  }

  @Test
  void unitIsCaseInsensitiveAndWhitespaceIsTolerated() {
    RangeDecision.Partial p = partial("  BYTES = 0-1 ,\t 5-6 ,, ", 10);
    assertEquals(List.of(new ByteRange(0, 1), new ByteRange(5, 6)), p.ranges());
    assertEquals(true, p.isMultipart());
  }

  @Test
  void hugeNumbersSaturateInsteadOfOverflowing() {
    assertEquals("bytes 0-9/10", partial("bytes=0-99999999999999999999999999", 10).contentRange());
    assertEquals("bytes 0-9/10", partial("bytes=-99999999999999999999999999", 10).contentRange());
    assertInstanceOf(
        RangeDecision.Unsatisfiable.class,
        ByteRanges.evaluate("bytes=99999999999999999999999-", 10));
  }

  @Test
  void firstPositionAtOrBeyondTheEndIsUnsatisfiable() {
    RangeDecision d = ByteRanges.evaluate("bytes=100-200", 100);
    assertEquals(
        "bytes */100", assertInstanceOf(RangeDecision.Unsatisfiable.class, d).contentRange());
  }

  @Test
  void zeroSuffixIsUnsatisfiable() {
    assertInstanceOf(RangeDecision.Unsatisfiable.class, ByteRanges.evaluate("bytes=-0", 100));
  }

  @Test
  void unsatisfiableRangesAreDroppedWhenOthersAreSatisfiable() {
    assertEquals(List.of(new ByteRange(0, 9)), partial("bytes=0-9,500-600", 100).ranges());
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "bytes",
        "bytes=",
        "bytes= , ,",
        "items=0-5",
        "bytes 0-5",
        "bytes=5",
        "bytes=-",
        "bytes=a-b",
        "bytes=0-5x",
        "bytes=0-5;6-7",
        "bytes=0 - 5",
        "bytes=--5",
        "bytes=1-2-3",
        "bytes=+1-2"
      })
  void garbageOrOtherUnitsServeTheFullBody(String header) {
    assertFull(header, 100);
  }

  @Test
  void firstAfterLastIsInvalidAndServesTheFullBody() {
    assertFull("bytes=5-4", 100);
    assertFull("bytes=0-1,9-3", 100);
  }

  @Test
  void overlappingRangesServeTheFullBody() {
    assertFull("bytes=0-10,5-20", 100);
    assertFull("bytes=0-50,-60", 100);
  }

  @Test
  void nonAscendingRangesServeTheFullBody() {
    assertFull("bytes=50-60,0-10", 100);
    assertFull("bytes=-10,0-5", 100);
  }

  @Test
  void adjacentRangesAreKeptAsSent() {
    assertEquals(
        List.of(new ByteRange(0, 4), new ByteRange(5, 9)), partial("bytes=0-4,5-9", 10).ranges());
  }

  @Test
  void tooManyRangesServeTheFullBody() {
    StringBuilder ok = new StringBuilder("bytes=");
    for (int i = 0; i < ByteRanges.MAX_RANGES; i++) {
      ok.append(i == 0 ? "" : ",").append(i * 2).append('-').append(i * 2);
    }
    assertEquals(ByteRanges.MAX_RANGES, partial(ok.toString(), 1000).ranges().size());
    assertFull(ok + ",500-501", 1000);
  }

  @Test
  void emptyOrUnknownLengthServesTheFullBody() {
    assertFull("bytes=0-0", 0);
    assertFull("bytes=-5", 0);
    assertFull("bytes=0-0", -1);
  }

  @Test
  void rangeAppliesOnlyToGetWithAHoldingIfRange() {
    String modified = "Sun, 06 Nov 1994 08:49:37 GMT";
    String date = "Sun, 06 Nov 1994 09:00:00 GMT";
    assertEquals(
        "bytes 0-4/100",
        assertInstanceOf(
                RangeDecision.Partial.class,
                ByteRanges.forRequest("GET", "bytes=0-4", "\"v1\"", 100, "\"v1\"", null, null))
            .contentRange());
    assertInstanceOf(
        RangeDecision.Partial.class,
        ByteRanges.forRequest("GET", "bytes=0-4", modified, 100, null, modified, date));
    assertInstanceOf(
        RangeDecision.Unsatisfiable.class,
        ByteRanges.forRequest("GET", "bytes=200-", null, 100, null, null, null));
    assertSame(
        RangeDecision.FULL,
        ByteRanges.forRequest("GET", "bytes=0-4", "\"v2\"", 100, "\"v1\"", null, null));
    assertSame(
        RangeDecision.FULL,
        ByteRanges.forRequest("HEAD", "bytes=0-4", null, 100, null, null, null));
    assertSame(
        RangeDecision.FULL,
        ByteRanges.forRequest("POST", "bytes=0-4", null, 100, null, null, null));
    assertSame(RangeDecision.FULL, ByteRanges.forRequest("GET", null, null, 100, null, null, null));
  }

  @Test
  void partialNeedsAtLeastOneRange() {
    assertThrows(IllegalArgumentException.class, () -> new RangeDecision.Partial(List.of(), 10));
  }

  @Test
  void byteRangeRejectsInvertedBounds() {
    assertThrows(IllegalArgumentException.class, () -> new ByteRange(5, 4));
    assertThrows(IllegalArgumentException.class, () -> new ByteRange(-1, 4));
  }
}
