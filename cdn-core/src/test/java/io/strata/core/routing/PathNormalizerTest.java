package io.strata.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.strata.core.routing.PathNormalizer.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

  @Test
  void canonicalPathIsReturnedAsIsWithoutCopying() {
    String path = "/static/site.v2.css";
    assertSame(path, PathNormalizer.normalize(path));
    String dots = "/a/.../b/..c/.d";
    assertSame(dots, PathNormalizer.normalize(dots));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/a/./b, /a/b",
    "/a/b/../c, /a/c",
    "/a/b/.., /a/",
    "/a/b/., /a/b/",
    "/../../a, /a",
    "/.., /",
    "//private/x, /private/x",
    "/a//b///c, /a/b/c",
    "/a/b/, /a/b/",
    "/a//, /a/",
    "/public/%2e%2e/private/x, /private/x",
    "/public/%2E%2e/private/x, /private/x",
    "/public/.%2e/private/x, /private/x",
    "/%70rivate/x, /private/x",
    "/a%7eb, /a~b",
    "/a%2fb, /a%2Fb",
    "/a%2Fb, /a%2Fb",
    "/a%5cb, /a%5Cb",
    "/a%3bb, /a%3Bb",
    "/a%252e%252e/b, /a%252e%252e/b",
    "/caf%c3%a9, /caf%C3%A9",
    "/%F0%9F%98%80, /%F0%9F%98%80",
    "/a%40b%3Ac%2Bd%26e%24f%27g, /a@b:c+d&e$f'g",
    "/a;v=1/b, /a;v=1/b",
    "/, /"
  })
  void pathIsNormalised(String raw, String expected) {
    assertEquals(expected, PathNormalizer.normalize(raw));
    assertEquals(expected, PathNormalizer.normalize(expected), "idempotent");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/a\\b, BACKSLASH",
    "/public\\..\\private/x, BACKSLASH",
    "/a%00b, CONTROL_CHARACTER",
    "/a%0d%0aSet-Cookie:x, CONTROL_CHARACTER",
    "/a%7F, CONTROL_CHARACTER",
    "/a%, BAD_PERCENT_ENCODING",
    "/a%4, BAD_PERCENT_ENCODING",
    "/a%zz, BAD_PERCENT_ENCODING",
    "/a%C0%AE, INVALID_UTF8",
    "/a%C0%AF, INVALID_UTF8",
    "/a%E0%80%AE, INVALID_UTF8",
    "/a%F0%80%80%AE, INVALID_UTF8",
    "/a%ED%A0%80, INVALID_UTF8",
    "/a%FF, INVALID_UTF8",
    "/a%C3, INVALID_UTF8",
    "/a%C3%28, INVALID_UTF8",
    "/public/..%2fprivate/x, HIDDEN_DOT_SEGMENT",
    "/public/%2e%2e%2fprivate/x, HIDDEN_DOT_SEGMENT",
    "/public/x%2F..%2F..%2Fprivate, HIDDEN_DOT_SEGMENT",
    "/public/..%5Cprivate/x, HIDDEN_DOT_SEGMENT",
    "/public/..;/private/x, HIDDEN_DOT_SEGMENT",
    "/public/.;x=1/private, HIDDEN_DOT_SEGMENT",
    "/public/%2e%2e;/private/x, HIDDEN_DOT_SEGMENT",
    "relative, NOT_ABSOLUTE"
  })
  void ambiguousOrMalformedPathIsRefused(String raw, Problem problem) {
    assertNull(PathNormalizer.normalize(raw));
    assertEquals(problem, PathNormalizer.problem(raw));
  }

  @Test
  void literalNonAsciiAndControlCharactersAreRefused() {
    assertEquals(Problem.NON_ASCII, PathNormalizer.problem("/caf\u00e9"));
    assertEquals(Problem.CONTROL_CHARACTER, PathNormalizer.problem("/a\u0000b"));
    assertEquals(Problem.CONTROL_CHARACTER, PathNormalizer.problem("/a\tb"));
  }

  @Test
  void parametersAreStrippedPerSegmentTheServletWay() {
    assertEquals("/private/x", PathNormalizer.withoutParameters("/private;jsessionid=1/x"));
    assertEquals("/account", PathNormalizer.withoutParameters("/account;.css"));
    String plain = "/a/b";
    assertSame(plain, PathNormalizer.withoutParameters(plain));
  }
}
