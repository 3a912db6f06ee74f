package io.strata.core.viewer;

import com.maxmind.db.Reader;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the country of a viewer address for geo restrictions. Implementations must be thread-safe
 * and must not block (the edge calls them on event loops).
 */
@FunctionalInterface
public interface CountryLookup {
  /** No database: every address has an unknown country. */
  CountryLookup NONE = address -> null;

  /**
   * @param address IPv4 (4 bytes) or IPv6 (16 bytes)
   * @return the ISO 3166-1 alpha-2 code in upper case, or {@code null} when unknown
   */
  String country(byte[] address);

  /**
   * Opens a MaxMind DB file (GeoLite2/GeoIP2 Country or City, or any database whose records have
   * {@code country.iso_code}), read whole into memory at start-up so that lookups never touch the
   * disk. Call from a thread that may block.
   *
   * @throws IOException if the file cannot be read or is not a MaxMind DB
   */
  static CountryLookup maxMind(File database) throws IOException {
    Reader reader = new Reader(database, Reader.FileMode.MEMORY);
    return address -> {
      try {
        InetAddress inet = InetAddress.getByAddress(address);
        @SuppressWarnings("unchecked")
        Map<String, Object> record = reader.get(inet, Map.class);
        if (record == null) {
          return null;
        }
        Object country = record.get("country");
        if (!(country instanceof Map<?, ?> countryMap)) {
          return null;
        }
        Object code = countryMap.get("iso_code");
        return code instanceof String text ? text.toUpperCase(Locale.ROOT) : null;
      } catch (UnknownHostException e) {
        return null;
      } catch (IOException | RuntimeException e) {
        // A corrupt record is an unknown country; the restriction then decides (an allow list
        // refuses unknown countries, a block list lets them through).
        return null;
      }
    };
  }
}
