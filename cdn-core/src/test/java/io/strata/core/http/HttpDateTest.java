package io.strata.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDateTest {

  /** RFC 9110's example instant, Sun, 06 Nov 1994 08:49:37 GMT. */
  private static final long EXAMPLE = 784_111_777_000L;

  @Test
  void parsesImfFixdate() {
    assertEquals(EXAMPLE, HttpDate.parseHttpDateMillis("Sun, 06 Nov 1994 08:49:37 GMT"));
  }

  @Test
  void parsesObsoleteRfc850Date() {
    assertEquals(EXAMPLE, HttpDate.parseHttpDateMillis("Sunday, 06-Nov-94 08:49:37 GMT"));
  }

  @Test
  void parsesObsoleteAsctimeDate() {
    assertEquals(EXAMPLE, HttpDate.parseHttpDateMillis("Sun Nov  6 08:49:37 1994"));
    assertEquals(
        EXAMPLE + 4 * 86_400_000L, HttpDate.parseHttpDateMillis("Thu Nov 10 08:49:37 1994"));
  }

  @Test
  void toleratesSurroundingWhitespace() {
    assertEquals(EXAMPLE, HttpDate.parseHttpDateMillis("  Sun, 06 Nov 1994 08:49:37 GMT\t"));
  }

  @Test
  void parsesLeapDayAndEpoch() {
    assertEquals(0, HttpDate.parseHttpDateMillis("Thu, 01 Jan 1970 00:00:00 GMT"));
    assertEquals(951_782_400_000L, HttpDate.parseHttpDateMillis("Tue, 29 Feb 2000 00:00:00 GMT"));
    assertEquals(4_102_444_799_000L, HttpDate.parseHttpDateMillis("Thu, 31 Dec 2099 23:59:59 GMT"));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "0",
        "-1",
        "garbage",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 1900 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08-49-37 GMT",
        "Sun, 06 Nov 1969 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37",
        "Sun Nov 6 08:49:37 1994",
        "Sun, 0x Nov 1994 08:49:37 GMT",
        "Sun,,06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT extra"
      })
  void invalidDatesGiveMinusOne(String value) {
    assertEquals(-1, HttpDate.parseHttpDateMillis(value));
  }

  @Test
  void formatsImfFixdate() {
    assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(EXAMPLE + 999));
  }

  @Test
  void formatAndParseRoundTrip() {
    long millis = 1_700_000_000_000L;
    assertEquals(millis, HttpDate.parseHttpDateMillis(HttpDate.format(millis)));
  }
}
