package io.strata.core.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersForCompressedVariantTest {

  @Test
  void strongEtagBecomesWeak() {
    assertEquals("W/\"abc\"", ETags.weaken("\"abc\""));
    assertEquals("W/\"abc\"", ETags.weaken(" \"abc\" "));
  }

  @Test
  void weakEtagIsUnchanged() {
    assertEquals("W/\"abc\"", ETags.weaken("W/\"abc\""));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"abc", "", "\"abc", "w/\"abc\"", "\"a b\"", "W/abc"})
  void invalidEtagIsDropped(String etag) {
    assertNull(ETags.weaken(etag));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL|Accept-Encoding",
        "''|Accept-Encoding",
        "Cookie|Cookie, Accept-Encoding",
        "Cookie, Origin ,|Cookie, Origin, Accept-Encoding",
        "accept-encoding|accept-encoding",
        "Cookie,ACCEPT-ENCODING|Cookie,ACCEPT-ENCODING",
        "*|*",
        "Cookie, *|*",
        "Accept-Encodings|Accept-Encodings, Accept-Encoding"
      })
  void varyNamesAcceptEncodingExactlyOnce(String vary, String expected) {
    assertEquals(expected, VaryHeader.withAcceptEncoding(vary));
  }

  @Test
  void severalVaryLinesAreOneList() {
    assertEquals(
        "Cookie, Origin, Accept-Encoding",
        VaryHeader.withAcceptEncoding(List.of("Cookie", "Origin")));
    assertEquals(
        "Cookie, accept-encoding",
        VaryHeader.withAcceptEncoding(List.of("Cookie", "accept-encoding")));
    assertEquals("Accept-Encoding", VaryHeader.withAcceptEncoding(List.of()));
  }
}
