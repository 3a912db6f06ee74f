package io.strata.functions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds code bundles (zips) in memory for tests. */
public final class Zips {
  private Zips() {}

  public static byte[] of(Map<String, ?> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var e : files.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setTime(1_700_000_000_000L); // fixed, so equal contents give equal zips
        zip.putNextEntry(entry);
        Object v = e.getValue();
        zip.write(v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] of(String name, String content) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(name, content);
    return of(m);
  }
}
