package io.strata.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.routing.PathNormalizer;
import io.strata.core.routing.PathPattern;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated paths and patterns against the path normaliser and the behavior matcher: the normaliser
 * is idempotent and its output has no dot segment, empty segment, lower-case or decodable escape
 * left; the matcher agrees with a regular-expression reference and never hangs.
 */
class PathsFuzzTest {

  @Provide
  Arbitrary<String> rawPaths() {
    Arbitrary<String> fragments =
        Fuzz.joined(
            16,
            List.of(
                "/",
                "/",
                "//",
                ".",
                "..",
                "%2e",
                "%2E",
                "%2f",
                "%2F",
                "%5c",
                "%5C",
                "\\",
                ";",
                ";x=1",
                "a",
                "B",
                "private",
                "%00",
                "%0a",
                "%C0%AE",
                "%c3%a9",
                "%E2%82%AC",
                "%F0%9F%98%80",
                "%ED%A0%80",
                "%",
                "%4",
                "%zz",
                "~",
                "%7e",
                "%41",
                "%25",
                "%252e",
                "?",
                "*",
                "é",
                " ",
                "@",
                "%40"));
    return Arbitraries.oneOf(fragments.map(s -> "/" + s), Fuzz.anyText(40).map(s -> "/" + s));
  }

  @Property
  void normaliserIsIdempotentAndLeavesNothingAmbiguous(@ForAll("rawPaths") String raw) {
    String canonical = Fuzz.noHang(() -> PathNormalizer.normalize(raw));
    if (canonical == null) {
      assertNotNull(PathNormalizer.problem(raw), raw);
      return;
    }
    assertNull(PathNormalizer.problem(raw), raw);
    assertEquals(canonical, PathNormalizer.normalize(canonical), "idempotent for " + raw);
    assertTrue(canonical.startsWith("/"), canonical);
    assertFalse(canonical.contains("//"), canonical);
    assertFalse(canonical.contains("\\"), canonical);
    for (String segment : canonical.substring(1).split("/", -1)) {
      assertFalse(segment.equals(".") || segment.equals(".."), raw + " -> " + canonical);
      // Nor does another reader (decoding %2F or %5C, dropping ;parameters) find one.
      for (String piece : segment.split("%2F|%5C", -1)) {
        String withoutParameters = piece.replaceAll(";.*", "");
        assertFalse(
            withoutParameters.equals(".") || withoutParameters.equals(".."),
            raw + " -> " + canonical);
      }
    }
    for (int i = 0; i < canonical.length(); i++) {
      char c = canonical.charAt(i);
      assertTrue(c > 0x20 && c < 0x7f, raw + " -> " + canonical);
      if (c == '%') {
        String hex = canonical.substring(i + 1, i + 3);
        assertEquals(hex.toUpperCase(java.util.Locale.ROOT), hex, canonical);
        char decoded = (char) Integer.parseInt(hex, 16);
        assertFalse(Character.isLetterOrDigit(decoded) && decoded < 0x80, canonical);
        assertFalse("-._~".indexOf(decoded) >= 0, canonical);
      }
    }
    // RFC 3986 §5.2.4 agrees wherever the path holds no escape or parameter to argue about.
    if (raw.matches("[A-Za-z0-9/._~-]*") && !raw.contains("//")) {
      String reference = URI.create("http://h" + raw).normalize().getRawPath();
      String withoutLeadingDots = reference.replaceAll("^(/\\.\\.)+(?=/|$)", "");
      assertEquals(
          withoutLeadingDots.isEmpty() ? "/" : withoutLeadingDots, canonical, "for " + raw);
    }
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.strings().withChars("ab/*?.-A").ofMinLength(1).ofMaxLength(12);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.strings().withChars("ab/.-AB").ofMaxLength(16).map(s -> "/" + s);
  }

  @Property
  void patternMatchAgreesWithARegularExpressionReference(
      @ForAll("patterns") String written, @ForAll("paths") String path) {
    PathPattern pattern = PathPattern.parse(written);
    Pattern reference = reference(written, 0);
    assertEquals(
        reference.matcher(path).matches(),
        Fuzz.noHang(() -> pattern.matches(path)),
        written + " vs " + path);
    assertEquals(
        reference(written, Pattern.CASE_INSENSITIVE).matcher(path).matches(),
        pattern.matchesIgnoringCase(path),
        written + " vs " + path + " ignoring case");
  }

  @Property(tries = 200)
  void adversarialGlobsFinishQuickly(
      @ForAll("patterns") String written, @ForAll("paths") String tail) {
    PathPattern pattern = PathPattern.parse("*a*a*a*a*a*a*a*a*b" + written.replace("/", ""));
    String path = "/" + "a".repeat(4000) + tail;
    Fuzz.noHang(() -> pattern.matches(path));
  }

  private static Pattern reference(String written, int flags) {
    String canonical =
        written.charAt(0) == '/' || written.charAt(0) == '*' ? written : "/" + written;
    StringBuilder regex = new StringBuilder();
    for (char c : canonical.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL | flags);
  }
}
