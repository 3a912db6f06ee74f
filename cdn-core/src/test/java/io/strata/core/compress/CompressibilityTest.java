package io.strata.core.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.compress.Compressibility.Decision;
import io.strata.core.compress.Compressibility.Reason;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressibilityTest {

  private static MultiMap response(String... nameValues) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    m.add("Content-Type", "text/html; charset=utf-8");
    m.add("Content-Length", "5000");
    for (int i = 0; i < nameValues.length; i += 2) {
      m.set(nameValues[i], nameValues[i + 1]);
    }
    return m;
  }

  private static Reason reason(MultiMap headers) {
    return Compressibility.decide(true, "gzip", 200, headers, 60).reason();
  }

  @Test
  void compressibleResponseIsCompressedWithTheViewersCoding() {
    Decision gzip = Compressibility.decide(true, "gzip", 200, response(), 60);
    assertTrue(gzip.compress());
    assertEquals(ContentCoding.GZIP, gzip.coding());
    assertEquals(
        ContentCoding.BR, Compressibility.decide(true, "br,gzip", 200, response(), 60).coding());
    assertEquals(Reason.COMPRESS, gzip.reason());
  }

  @Test
  void decisionsAreSharedConstants() {
    assertSame(
        Compressibility.decide(true, "gzip", 200, response(), 60),
        Compressibility.decide(true, "gzip", 404, response(), 1));
    assertSame(
        Compressibility.decide(false, "gzip", 200, response(), 60),
        Compressibility.decide(false, "br", 500, response(), 0));
  }

  @Test
  void behaviorWithCompressOffIsNotCompressed() {
    Decision d = Compressibility.decide(false, "gzip", 200, response(), 60);
    assertFalse(d.compress());
    assertNull(d.coding());
    assertEquals(Reason.DISABLED, d.reason());
  }

  @Test
  void zeroTtlIsNotCompressed() {
    assertEquals(
        Reason.TTL_ZERO, Compressibility.decide(true, "gzip", 200, response(), 0).reason());
  }

  @Test
  void viewerWithoutGzipOrBrIsNotCompressed() {
    assertEquals(
        Reason.NOT_ACCEPTED, Compressibility.decide(true, "", 200, response(), 60).reason());
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 403, 404})
  void statuses200And403And404AreCompressed(int status) {
    assertTrue(Compressibility.decide(true, "gzip", status, response(), 60).compress());
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 206, 301, 304, 400, 410, 500, 503})
  void otherStatusesAreNotCompressed(int status) {
    assertEquals(
        Reason.STATUS, Compressibility.decide(true, "gzip", status, response(), 60).reason());
  }

  @Test
  void alreadyEncodedResponseIsNotCompressedAgain() {
    assertEquals(Reason.ALREADY_ENCODED, reason(response("Content-Encoding", "gzip")));
    assertEquals(Reason.ALREADY_ENCODED, reason(response("Content-Encoding", "identity, br")));
    assertEquals(Reason.ALREADY_ENCODED, reason(response("Content-Encoding", "???")));
  }

  @Test
  void identityContentEncodingCountsAsUnencoded() {
    assertEquals(Reason.COMPRESS, reason(response("Content-Encoding", "Identity")));
    assertEquals(Reason.COMPRESS, reason(response("Content-Encoding", "")));
  }

  @Test
  void sizeMustBeBetween1000And10000000Bytes() {
    assertEquals(Reason.TOO_SMALL, reason(response("Content-Length", "999")));
    assertEquals(Reason.COMPRESS, reason(response("Content-Length", "1000")));
    assertEquals(Reason.COMPRESS, reason(response("Content-Length", "10000000")));
    assertEquals(Reason.TOO_LARGE, reason(response("Content-Length", "10000001")));
    assertEquals(Reason.TOO_SMALL, reason(response("Content-Length", "0")));
  }

  @Test
  void missingOrInvalidContentLengthIsNotCompressed() {
    MultiMap none = response();
    none.remove("Content-Length");
    assertEquals(Reason.NO_CONTENT_LENGTH, reason(none));
    assertEquals(Reason.NO_CONTENT_LENGTH, reason(response("Content-Length", "12ab")));
    assertEquals(Reason.NO_CONTENT_LENGTH, reason(response("Content-Length", "-5")));
    assertEquals(
        Reason.NO_CONTENT_LENGTH, reason(response("Content-Length", "99999999999999999999")));
    MultiMap twice = response();
    twice.add("Content-Length", "5000");
    assertEquals(Reason.NO_CONTENT_LENGTH, reason(twice));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/html",
        "TEXT/HTML; charset=UTF-8",
        " application/json ",
        "application/javascript;charset=utf-8",
        "image/svg+xml",
        "vnd.apple.mpegurl",
        "font/ttf",
        "text/x-java-source"
      })
  void listedMediaTypesAreCompressedWhateverTheCaseAndParameters(String type) {
    assertEquals(Reason.COMPRESS, reason(response("Content-Type", type)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"image/png", "application/octet-stream", "video/mp4", "text", "", "font/woff2"})
  void unlistedMediaTypesAreNotCompressed(String type) {
    assertEquals(Reason.CONTENT_TYPE, reason(response("Content-Type", type)));
  }

  @Test
  void missingContentTypeIsNotCompressed() {
    MultiMap h = response();
    h.remove("Content-Type");
    assertEquals(Reason.CONTENT_TYPE, reason(h));
  }

  @Test
  void noTransformIsRespected() {
    assertEquals(
        Reason.NO_TRANSFORM, reason(response("Cache-Control", "max-age=60, No-Transform")));
    assertEquals(
        Reason.COMPRESS,
        reason(response("Cache-Control", "private=\"no-transform, x\", max-age=1")));
    assertEquals(Reason.COMPRESS, reason(response("Cache-Control", "no-transformer")));
  }

  @Test
  void mediaTypeListHasCloudFrontsFortySixTypes() {
    assertEquals(46, Compressibility.MEDIA_TYPES.size());
  }

  @Test
  void reasonsHaveStableTags() {
    assertEquals("too-small", Reason.TOO_SMALL.tag());
    assertEquals("no-transform", Reason.NO_TRANSFORM.tag());
  }
}
