package io.strata.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.core.http.Preconditions.Outcome;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreconditionsTest {

  private static final String ETAG = "\"v1\"";
  private static final String MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT";
  private static final String BEFORE = "Sat, 05 Nov 1994 08:49:37 GMT";
  private static final String AFTER = "Mon, 07 Nov 1994 08:49:37 GMT";
  private static final String DATE = "Tue, 08 Nov 1994 08:49:37 GMT";

  private static MultiMap headers(String... nameValues) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      m.add(nameValues[i], nameValues[i + 1]);
    }
    return m;
  }

  private static Outcome get(MultiMap h) {
    return Preconditions.evaluate("GET", h, 200, ETAG, MODIFIED, DATE);
  }

  private static Outcome put(MultiMap h) {
    return Preconditions.evaluate("PUT", h, 200, ETAG, MODIFIED, DATE);
  }

  @Test
  void noConditionsProceed() {
    assertEquals(Outcome.PROCEED, get(headers()));
    assertEquals(0, Outcome.PROCEED.status());
  }

  @Test
  void ifMatchWithMatchingStrongTagProceeds() {
    assertEquals(Outcome.PROCEED, get(headers("If-Match", "\"x\", \"v1\"")));
  }

  @Test
  void ifMatchStarProceedsWhenARepresentationExists() {
    assertEquals(Outcome.PROCEED, put(headers("If-Match", "*")));
  }

  @Test
  void ifMatchWithWeakTagFailsBecauseComparisonIsStrong() {
    assertEquals(Outcome.PRECONDITION_FAILED, get(headers("If-Match", "W/\"v1\"")));
  }

  @Test
  void ifMatchWithoutMatchFails() {
    assertEquals(Outcome.PRECONDITION_FAILED, put(headers("If-Match", "\"v2\"")));
    assertEquals(412, Outcome.PRECONDITION_FAILED.status());
  }

  @Test
  void malformedIfMatchFails() {
    assertEquals(Outcome.PRECONDITION_FAILED, get(headers("If-Match", "v1")));
  }

  @Test
  void ifMatchFailsWhenTheResponseHasNoEtag() {
    assertEquals(
        Outcome.PRECONDITION_FAILED,
        Preconditions.evaluate("GET", headers("If-Match", ETAG), 200, null, MODIFIED, DATE));
  }

  @Test
  void ifMatchAcrossSeveralFieldLinesIsOneList() {
    assertEquals(Outcome.PROCEED, get(headers("If-Match", "\"a\"", "If-Match", "\"v1\"")));
  }

  @Test
  void ifUnmodifiedSinceFailsWhenModifiedAfterTheDate() {
    assertEquals(Outcome.PRECONDITION_FAILED, put(headers("If-Unmodified-Since", BEFORE)));
    assertEquals(Outcome.PROCEED, put(headers("If-Unmodified-Since", MODIFIED)));
  }

  @Test
  void ifUnmodifiedSinceIsIgnoredWhenIfMatchIsPresent() {
    assertEquals(Outcome.PROCEED, put(headers("If-Match", ETAG, "If-Unmodified-Since", BEFORE)));
  }

  @Test
  void invalidIfUnmodifiedSinceIsIgnored() {
    assertEquals(Outcome.PROCEED, put(headers("If-Unmodified-Since", "yesterday")));
  }

  @Test
  void ifNoneMatchWithWeakMatchIsNotModifiedForGetAndHead() {
    assertEquals(Outcome.NOT_MODIFIED, get(headers("If-None-Match", "W/\"v1\"")));
    assertEquals(
        Outcome.NOT_MODIFIED,
        Preconditions.evaluate("HEAD", headers("If-None-Match", ETAG), 200, ETAG, null, null));
    assertEquals(304, Outcome.NOT_MODIFIED.status());
  }

  @Test
  void ifNoneMatchWithMatchFailsForOtherMethods() {
    assertEquals(Outcome.PRECONDITION_FAILED, put(headers("If-None-Match", ETAG)));
  }

  @Test
  void ifNoneMatchStarMatchesAnyRepresentation() {
    assertEquals(Outcome.NOT_MODIFIED, get(headers("If-None-Match", "*")));
    assertEquals(Outcome.PRECONDITION_FAILED, put(headers("If-None-Match", "*")));
  }

  @Test
  void ifNoneMatchWithoutMatchProceedsAndOverridesIfModifiedSince() {
    assertEquals(
        Outcome.PROCEED, get(headers("If-None-Match", "\"v2\"", "If-Modified-Since", AFTER)));
  }

  @Test
  void malformedIfNoneMatchMatchesNothing() {
    assertEquals(Outcome.PROCEED, get(headers("If-None-Match", "\"v1")));
  }

  @Test
  void ifModifiedSinceIsNotModifiedWhenUnchangedSinceTheDate() {
    assertEquals(Outcome.NOT_MODIFIED, get(headers("If-Modified-Since", MODIFIED)));
    assertEquals(Outcome.NOT_MODIFIED, get(headers("If-Modified-Since", AFTER)));
    assertEquals(Outcome.PROCEED, get(headers("If-Modified-Since", BEFORE)));
  }

  @Test
  void ifModifiedSinceUsesDateWhenThereIsNoLastModified() {
    assertEquals(
        Outcome.NOT_MODIFIED,
        Preconditions.evaluate("GET", headers("If-Modified-Since", DATE), 200, null, null, DATE));
    assertEquals(
        Outcome.PROCEED,
        Preconditions.evaluate("GET", headers("If-Modified-Since", AFTER), 200, null, null, DATE));
  }

  @Test
  void ifModifiedSinceIsIgnoredForOtherMethodsInvalidDatesAndRepeatedLines() {
    assertEquals(Outcome.PROCEED, put(headers("If-Modified-Since", AFTER)));
    assertEquals(Outcome.PROCEED, get(headers("If-Modified-Since", "garbage")));
    assertEquals(
        Outcome.PROCEED, get(headers("If-Modified-Since", AFTER, "If-Modified-Since", AFTER)));
  }

  @Test
  void ifMatchFailureWinsOverIfNoneMatch() {
    assertEquals(
        Outcome.PRECONDITION_FAILED, get(headers("If-Match", "\"v2\"", "If-None-Match", ETAG)));
  }

  @Test
  void preconditionsAreIgnoredForNon2xxResponses() {
    assertEquals(
        Outcome.PROCEED,
        Preconditions.evaluate("GET", headers("If-None-Match", "*"), 404, ETAG, MODIFIED, DATE));
    assertEquals(
        Outcome.PRECONDITION_FAILED,
        Preconditions.evaluate("GET", headers("If-Match", "\"x\""), 412, ETAG, MODIFIED, DATE));
  }

  @Test
  void notModifiedCarriesOnlyTheValidatorAndCachingFields() {
    MultiMap stored =
        headers(
            "Cache-Control", "max-age=60",
            "Content-Location", "/a",
            "Date", DATE,
            "ETag", ETAG,
            "Expires", AFTER,
            "Vary", "Accept-Encoding",
            "Vary", "Cookie",
            "Last-Modified", MODIFIED,
            "Content-Type", "text/html",
            "Content-Length", "10",
            "Set-Cookie", "a=b");
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    NotModifiedHeaders.copy(stored, out);
    assertEquals(8, out.entries().size());
    assertEquals(List.of("Accept-Encoding", "Cookie"), out.getAll("vary"));
    assertEquals(null, out.get("Content-Type"));
    assertEquals(null, out.get("Set-Cookie"));
    assertEquals(ETAG, out.get("etag"));
  }
}
