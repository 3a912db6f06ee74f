package io.strata.functions.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.functions.Zips;
import io.strata.functions.model.LambdaException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleStoreTest {
  @TempDir Path data;

  @Test
  void bundleIsStoredUnderItsSha256AndUnpackedWithExecutableBootstrap() throws Exception {
    BundleStore store = new BundleStore(data);
    byte[] zip = Zips.of(Map.of("bootstrap", "#!/bin/sh\n", "lib/a.txt", "a"));
    BundleStore.Stored s = store.store(zip);
    assertEquals(BundleStore.sha256(zip), s.sha256());
    assertTrue(Files.isRegularFile(data.resolve("bundles/" + s.sha256() + ".zip")));
    assertTrue(Files.isExecutable(s.dir().resolve("bootstrap")));
    assertEquals("a", Files.readString(s.dir().resolve("lib/a.txt")));
    assertEquals(s, store.store(zip), "the same bytes are stored once");
  }

  @Test
  void entriesEscapingTheBundleAreRefused() {
    BundleStore store = new BundleStore(data);
    LambdaException e =
        assertThrows(
            LambdaException.class, () -> store.store(Zips.of(Map.of("../outside.txt", "x"))));
    assertEquals(400, e.status());
    assertFalse(Files.exists(data.resolve("outside.txt")));
    assertThrows(LambdaException.class, () -> store.store(Zips.of(Map.of("/etc/evil", "x"))).dir());
  }

  @Test
  void notAZipIsRefused() {
    LambdaException e =
        assertThrows(
            LambdaException.class,
            () -> new BundleStore(data).store("just text, long enough to look".getBytes()));
    assertEquals("Code.ZipFile: not a zip archive", e.getMessage());
  }

  @Test
  void zipOverFiftyMegabytesIsRefusedWith413() {
    LambdaException e =
        assertThrows(
            LambdaException.class,
            () -> new BundleStore(data).store(new byte[(int) BundleStore.MAX_ZIP_BYTES + 1]));
    assertEquals(413, e.status());
  }

  @Test
  void bundleUnpackingBeyond250MegabytesIsRefusedAndLeavesNothing() throws Exception {
    // A zip bomb: 251 MB of zeros compress to a few hundred kilobytes.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("zeros.bin"));
      byte[] block = new byte[1 << 20];
      for (int i = 0; i < 251; i++) {
        zip.write(block);
      }
      zip.closeEntry();
    }
    LambdaException e =
        assertThrows(LambdaException.class, () -> new BundleStore(data).store(out.toByteArray()));
    assertEquals(413, e.status());
    try (var files = Files.list(data.resolve("code"))) {
      assertEquals(0, files.count(), "the partial unpack is removed");
    }
  }
}
