package io.strata.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginTest {

  @Test
  void httpOriginDefaultsToPort80AndNoPrefix() {
    Origin origin = new Origin("web", URI.create("http://Example.COM"));
    assertEquals("http", origin.scheme());
    assertEquals("example.com", origin.host());
    assertEquals(80, origin.port());
    assertEquals("", origin.pathPrefix());
    assertFalse(origin.tls());
    assertEquals(Origin.DEFAULT_CONNECT_TIMEOUT_MS, origin.connectTimeoutMs());
    assertEquals(Origin.DEFAULT_READ_TIMEOUT_MS, origin.readTimeoutMs());
  }

  @Test
  void httpsOriginDefaultsToPort443() {
    Origin origin = new Origin("web", URI.create("HTTPS://example.com/"));
    assertEquals("https", origin.scheme());
    assertEquals(443, origin.port());
    assertTrue(origin.tls());
    assertEquals(URI.create("https://example.com"), origin.url());
  }

  @Test
  void pathPrefixLosesTrailingSlashes() {
    Origin origin = new Origin("web", URI.create("http://127.0.0.1:8000/base/v1//"));
    assertEquals("/base/v1", origin.pathPrefix());
    assertEquals(8000, origin.port());
    assertEquals("127.0.0.1", origin.host());
  }

  @Test
  void ipv6HostComesWithoutBrackets() {
    Origin origin = new Origin("web", URI.create("http://[::1]:9000"));
    assertEquals("::1", origin.host());
    assertEquals(9000, origin.port());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://example.com",
        "example.com",
        "/relative",
        "mailto:a@b.c",
        "http://user@host",
        "http://host/?q=1",
        "http://host/#f",
        "http://host:0",
        "http://under_score.example"
      })
  void unsupportedUrlsAreRejected(String url) {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> new Origin("web", URI.create(url)));
    assertEquals("url", e.field());
  }

  @Test
  void timeoutsOutOfRangeAreRejected() {
    URI url = URI.create("http://host");
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> new Origin("web", url, 0, 1));
    assertEquals("connectTimeoutMs: 0 (expected: 1..60000)", e.getMessage());
    e = assertThrows(InvalidValueException.class, () -> new Origin("web", url, 1, 600_001));
    assertEquals("readTimeoutMs: 600001 (expected: 1..600000)", e.getMessage());
  }

  @Test
  void malformedIdIsRejected() {
    InvalidValueException e =
        assertThrows(
            InvalidValueException.class, () -> new Origin("my origin", URI.create("http://host")));
    assertEquals("id", e.field());
  }
}
