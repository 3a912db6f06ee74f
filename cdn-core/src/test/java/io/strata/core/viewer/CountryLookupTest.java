package io.strata.core.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.strata.core.net.Cidr;
import io.strata.core.testing.MmdbWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountryLookupTest {
  @TempDir Path dir;

  @Test
  void maxMindDatabaseBuiltByTheTestAnswersIpv4AndIpv6() throws Exception {
    Path file = dir.resolve("countries.mmdb");
    new MmdbWriter()
        .country("192.0.2.0/24", "FR")
        .country("198.51.100.0/25", "de")
        .country("2001:db8::/32", "JP")
        .write(file);
    CountryLookup lookup = CountryLookup.maxMind(file.toFile());
    assertEquals("FR", lookup.country(Cidr.literal("192.0.2.77")));
    assertEquals("DE", lookup.country(Cidr.literal("198.51.100.1")));
    assertNull(lookup.country(Cidr.literal("198.51.100.200")));
    assertEquals("JP", lookup.country(Cidr.literal("2001:db8:1::5")));
    assertNull(lookup.country(Cidr.literal("2001:db9::1")));
    assertNull(lookup.country(Cidr.literal("203.0.113.9")));
  }

  @Test
  void fileThatIsNotAMaxMindDatabaseIsRefusedAtStartUp() throws Exception {
    Path file = dir.resolve("bogus.mmdb");
    java.nio.file.Files.writeString(file, "not a database");
    org.junit.jupiter.api.Assertions.assertThrows(
        java.io.IOException.class, () -> CountryLookup.maxMind(file.toFile()));
  }
}
