package io.strata.core.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptEncodingTest {

  private static String both(String value) {
    return AcceptEncoding.normalize(value, true, true);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "gzip, deflate, br, zstd|br,gzip",
        "br;q=1.0, gzip;q=0.8, *;q=0.1|br,gzip",
        "GZIP|gzip",
        "x-gzip|gzip",
        "Br|br",
        "deflate, zstd|''",
        "identity|''",
        "gzip;q=0|''",
        "gzip;q=0.000, br|br",
        "gzip;q=0.001|gzip",
        "*|br,gzip",
        "*;q=0|''",
        "*, gzip;q=0|br",
        "gzip ; q=0.5 , br ;q=0|gzip",
        "gzip;level=9|gzip",
        "gzip;foo=\"a,b\", br|br,gzip",
        "gzip;q=0, gzip;q=1|gzip",
        ", ,gzip,,|gzip"
      })
  void normalisesLikeCloudFront(String header, String expected) {
    assertEquals(expected, both(header));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "gzip;q=2",
        "gzip;q=1.5",
        "gzip;q=0.0001",
        "gzip;q=",
        "gzip;q",
        "gzip;=1",
        "gzip br",
        "gzip;foo=\"unterminated",
        "gz(ip",
        "gzip;q=abc",
        "é"
      })
  void malformedOrEmptyValuesMeanIdentity(String header) {
    assertSame(AcceptEncoding.IDENTITY, both(header));
  }

  @Test
  void disabledCodingsAreNeverOffered() {
    assertEquals("gzip", AcceptEncoding.normalize("gzip, br", true, false));
    assertEquals("br", AcceptEncoding.normalize("gzip, br", false, true));
    assertEquals("", AcceptEncoding.normalize("gzip, br", false, false));
  }

  @Test
  void defaultNormalisationOffersBrotliWhenTheEncoderIsAvailable() {
    String expected = BrotliEncoder.isAvailable() ? "br,gzip" : "gzip";
    assertEquals(expected, AcceptEncoding.normalize("gzip, deflate, br"));
    assertEquals("gzip", AcceptEncoding.normalize("gzip"));
  }

  @Test
  void resultsAreSharedConstants() {
    assertSame(AcceptEncoding.BR_GZIP, both("gzip, br"));
    assertSame(AcceptEncoding.GZIP, both("gzip"));
    assertSame(AcceptEncoding.BR, both("br"));
  }

  @Test
  void severalFieldLinesAreOneList() {
    assertEquals("br,gzip", AcceptEncoding.normalize(List.of("gzip", "br"), true, true));
    assertEquals("", AcceptEncoding.normalize(List.of(), true, true));
    assertEquals("gzip", AcceptEncoding.normalize(List.of("gzip"), true, true));
  }

  @Test
  void brotliIsPreferredWhenOffered() {
    assertEquals(ContentCoding.BR, AcceptEncoding.preferred("br,gzip"));
    assertEquals(ContentCoding.BR, AcceptEncoding.preferred("br"));
    assertEquals(ContentCoding.GZIP, AcceptEncoding.preferred("gzip"));
    assertNull(AcceptEncoding.preferred(""));
    assertNull(AcceptEncoding.preferred(null));
  }
}
