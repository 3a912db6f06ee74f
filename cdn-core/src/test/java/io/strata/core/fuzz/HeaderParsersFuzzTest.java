package io.strata.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.cache.CacheControl;
import io.strata.core.cache.Vary;
import io.strata.core.compress.AcceptEncoding;
import io.strata.core.compress.VaryHeader;
import io.strata.core.http.ByteRange;
import io.strata.core.http.ByteRanges;
import io.strata.core.http.EntityTags;
import io.strata.core.http.HttpDate;
import io.strata.core.http.IfRange;
import io.strata.core.http.RangeDecision;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Generated header values against the header parsers: they never throw, never hang, and keep their
 * documented invariants (idempotent normalisation, ranges inside the body, dates that round-trip).
 */
class HeaderParsersFuzzTest {

  @Provide
  Arbitrary<String> cacheControls() {
    return Arbitraries.oneOf(
        Fuzz.anyText(80),
        Fuzz.joined(
            12,
            List.of(
                "max-age",
                "s-maxage",
                "no-store",
                "no-cache",
                "private",
                "public",
                "must-revalidate",
                "proxy-revalidate",
                "stale-while-revalidate",
                "stale-if-error",
                "=",
                "=\"",
                "\"",
                ",",
                " ",
                "\t",
                "0",
                "1",
                "60",
                "99999999999999999999",
                "-1",
                "+5",
                "1.5",
                "no-cache=\"set-cookie, a\"",
                "MAX-AGE",
                ";",
                "x-ext=",
                "\\")));
  }

  @Property
  void cacheControlNeverFailsAndItsCanonicalFormParsesToItself(
      @ForAll("cacheControls") String value) {
    CacheControl parsed = Fuzz.noHang(() -> CacheControl.parse(value));
    assertNotNull(parsed);
    for (long seconds :
        new long[] {
          parsed.maxAge(), parsed.sMaxAge(), parsed.staleIfError(), parsed.staleWhileRevalidate()
        }) {
      assertTrue(seconds >= -1 && seconds <= CacheControl.MAX_DELTA_SECONDS, value);
    }
    String text = parsed.toString();
    String directives = text.substring("CacheControl[".length(), text.length() - 1);
    assertEquals(text, CacheControl.parse(directives).toString(), value);
  }

  @Provide
  Arbitrary<String> ranges() {
    return Arbitraries.oneOf(
        Fuzz.anyText(60),
        Fuzz.joined(
            14,
            List.of(
                "bytes",
                "BYTES",
                "=",
                " ",
                ",",
                "-",
                "0",
                "1",
                "5",
                "9",
                "99",
                "100",
                "9223372036854775807",
                "9223372036854775808",
                "18446744073709551616",
                ",,",
                "x",
                "\t",
                "*")));
  }

  @Property
  void rangeDecisionsStayInsideTheBody(
      @ForAll("ranges") String range, @ForAll @LongRange(min = 0, max = 1_000) long length) {
    RangeDecision decision = Fuzz.noHang(() -> ByteRanges.evaluate(range, length));
    assertNotNull(decision);
    if (decision instanceof RangeDecision.Partial partial) {
      assertTrue(partial.ranges().size() <= ByteRanges.MAX_RANGES);
      long previousLast = -1;
      for (ByteRange r : partial.ranges()) {
        assertTrue(r.first() > previousLast, range + " overlapping or unordered: " + partial);
        assertTrue(r.first() <= r.last() && r.last() < length, range + " -> " + r);
        previousLast = r.last();
      }
    } else if (decision instanceof RangeDecision.Unsatisfiable unsatisfiable) {
      assertEquals(length, unsatisfiable.completeLength());
    }
  }

  @Provide
  Arbitrary<String> acceptEncodings() {
    return Arbitraries.oneOf(
        Fuzz.anyText(60),
        Fuzz.joined(
            10,
            List.of(
                "gzip",
                "br",
                "GZIP",
                "x-gzip",
                "deflate",
                "identity",
                "*",
                ";q=",
                "0",
                "1",
                "0.5",
                "1.0001",
                ",",
                " ",
                ";",
                "=",
                "q",
                "zstd")));
  }

  @Property
  void acceptEncodingNormalisesToOneOfFourKeysIdempotently(
      @ForAll("acceptEncodings") String value) {
    String normalized = Fuzz.noHang(() -> AcceptEncoding.normalize(value, true, true));
    assertTrue(
        Set.of(AcceptEncoding.BR_GZIP, AcceptEncoding.GZIP, AcceptEncoding.BR, "")
            .contains(normalized),
        value + " -> " + normalized);
    assertEquals(normalized, AcceptEncoding.normalize(normalized, true, true));
    assertEquals(
        AcceptEncoding.normalize(value, true, false).isEmpty(),
        !normalized.contains("gzip"),
        "gzip-only keys agree with the gzip part of the full key: " + value);
  }

  @Provide
  Arbitrary<String> etagLists() {
    return Arbitraries.oneOf(
        Fuzz.anyText(60),
        Fuzz.joined(
            10, List.of("\"", "W/", "w/", "*", ",", " ", "abc", "\"abc\"", "\\", "\u0080", "\t")));
  }

  @Property
  void etagListsNeverFailAndStarMatchesAnything(
      @ForAll("etagLists") String list, @ForAll("etagLists") String etag) {
    EntityTags.ListMatch strong = Fuzz.noHang(() -> EntityTags.matchList(list, etag, true));
    EntityTags.ListMatch weak = EntityTags.matchList(list, etag, false);
    assertNotNull(strong);
    if (strong == EntityTags.ListMatch.MATCH) {
      assertEquals(EntityTags.ListMatch.MATCH, weak, "a strong match is a weak match");
    }
    // Only SP and HTAB are optional whitespace in HTTP (RFC 9110 §5.6.3); String.strip() would also
    // drop Unicode spaces and controls such as U+001F, which make a field value malformed.
    if (list.replaceAll("^[ \t]+|[ \t]+$", "").equals("*")) {
      assertEquals(EntityTags.ListMatch.ANY, strong);
    }
    if (EntityTags.isValid(etag)) {
      assertEquals(
          EntityTags.ListMatch.MATCH, EntityTags.matchList(etag, etag, false), "reflexive");
    }
  }

  @Provide
  Arbitrary<String> varies() {
    return Arbitraries.oneOf(
        Fuzz.anyText(60),
        Fuzz.joined(
            20,
            List.of(
                "Accept-Encoding",
                "accept-encoding",
                "Origin",
                "*",
                ",",
                " ",
                ", ",
                "X-A",
                "Cookie",
                "\t",
                "(",
                "é")));
  }

  @Property
  void varyNamesAreBoundedTokensAndAcceptEncodingIsAddedOnce(@ForAll("varies") String vary) {
    List<String> names = Fuzz.noHang(() -> Vary.names(List.of(vary)));
    if (names != null) {
      assertTrue(names.size() <= Vary.MAX_NAMES);
      for (String name : names) {
        assertEquals(name.toLowerCase(java.util.Locale.ROOT), name);
      }
    }
    String with = VaryHeader.withAcceptEncoding(vary);
    assertEquals(with, VaryHeader.withAcceptEncoding(with), "idempotent: " + vary);
  }

  @Property
  void formattedDatesParseBackToTheSecond(
      @ForAll @LongRange(min = 0, max = 253_402_300_799_999L) long millis) {
    String formatted = HttpDate.format(millis);
    assertEquals(millis / 1000 * 1000, HttpDate.parseHttpDateMillis(formatted), formatted);
  }

  @Provide
  Arbitrary<String> dates() {
    return Arbitraries.oneOf(
        Fuzz.anyText(40),
        Fuzz.joined(
            12,
            List.of(
                "Sun",
                "Sunday",
                ",",
                " ",
                "06",
                "Nov",
                "1994",
                "08:49:37",
                "GMT",
                "UTC",
                "-94",
                "99999999999",
                "-",
                ":",
                "60",
                "24:00:00",
                "Feb",
                "29",
                "30",
                "2100")));
  }

  @Property
  void anyDateTextParsesToAnInstantOrMinusOne(@ForAll("dates") String text) {
    long millis = Fuzz.noHang(() -> HttpDate.parseHttpDateMillis(text));
    assertTrue(millis >= -1, text);
    if (millis >= 0) {
      assertEquals(millis, HttpDate.parseHttpDateMillis(HttpDate.format(millis)), text);
    }
    // If-Range with the same text never throws either.
    IfRange.rangeApplies(text, "\"a\"", text, text);
  }
}
