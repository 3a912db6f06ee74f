package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SharedTextTest {
  @Test
  void repeatedValuesOfSharedHeadersAreOneInstanceOthersAreKept() {
    String a = SharedText.value("Server", new String("strata-test-server"));
    String b = SharedText.value("server", new String("strata-test-server"));
    assertSame(a, b);
    String date = new String("Sun, 29 Nov 2026 05:00:00 GMT");
    assertSame(date, SharedText.value("Date", date), "unique values are not looked up");
    assertSame(SharedText.name("X-Test-Name"), SharedText.name(new String("X-Test-Name")));
  }

  @Test
  void aFullTableStopsSharingWithoutChangingValues() {
    for (int i = 0; i < SharedText.MAX_VALUES_PER_NAME; i++) {
      SharedText.value("X-Frame-Options", "filler-" + i);
    }
    String late = new String("arrived-after-the-table-filled");
    String again = new String("arrived-after-the-table-filled");
    assertSame(late, SharedText.value("X-Frame-Options", late));
    assertNotSame(late, SharedText.value("X-Frame-Options", again));
    assertEquals(late, SharedText.value("X-Frame-Options", again));
    // Other names' tables are not affected.
    String type = SharedText.value("Content-Language", new String("x-test"));
    assertSame(type, SharedText.value("Content-Language", new String("x-test")));
  }
}
