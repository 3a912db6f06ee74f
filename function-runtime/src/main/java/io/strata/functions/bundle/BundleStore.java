package io.strata.functions.bundle;

import io.strata.functions.model.LambdaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Code bundles stored by content: {@code <dataDir>/bundles/<sha256>.zip} and the unpacked tree
 * {@code <dataDir>/code/<sha256>/}. The same zip deployed twice is stored once. Unpacking refuses
 * entries that would escape the target directory (zip slip) and stops at the unpacked size limit.
 * Blocking: call from a worker thread.
 */
public final class BundleStore {
  public static final long MAX_ZIP_BYTES = 50L * 1024 * 1024;
  public static final long MAX_UNPACKED_BYTES = 250L * 1024 * 1024;

  private final Path bundles;
  private final Path code;

  public BundleStore(Path dataDir) {
    this.bundles = dataDir.resolve("bundles");
    this.code = dataDir.resolve("code");
    try {
      Files.createDirectories(bundles);
      Files.createDirectories(code);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the bundle store under " + dataDir, e);
    }
  }

  /** Where the zip with this SHA-256 (hex) is kept. */
  public Path zipPath(String sha256) {
    return bundles.resolve(sha256 + ".zip");
  }

  /** The bundle with this SHA-256 if it is stored and unpacked here, else null. */
  public synchronized Stored existing(String sha256) {
    Path dir = code.resolve(sha256);
    Path zip = zipPath(sha256);
    try {
      return Files.isDirectory(dir) && Files.exists(zip)
          ? new Stored(sha256, Files.size(zip), dir)
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A stored bundle: its SHA-256 (hex), zip size and unpacked directory. */
  public record Stored(String sha256, long size, Path dir) {}

  /**
   * Stores and unpacks {@code zip}.
   *
   * @throws LambdaException (400/413) when the zip is too large, unpacks too large, is not a zip or
   *     has an entry escaping its directory
   */
  public synchronized Stored store(byte[] zip) {
    if (zip.length > MAX_ZIP_BYTES) {
      throw new LambdaException(
          413,
          "RequestTooLargeException",
          "Code.ZipFile: " + zip.length + " bytes (expected: at most 52428800 bytes zipped)");
    }
    if (zip.length < 22 || zip[0] != 'P' || zip[1] != 'K') {
      throw new LambdaException(
          400, "InvalidParameterValueException", "Code.ZipFile: not a zip archive");
    }
    String sha = sha256(zip);
    Path dir = code.resolve(sha);
    if (Files.isDirectory(dir)) {
      return new Stored(sha, zip.length, dir);
    }
    Path tmp = code.resolve(sha + ".tmp-" + System.nanoTime());
    try {
      unpack(zip, tmp);
      Files.write(bundles.resolve(sha + ".zip"), zip);
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir);
      }
      return new Stored(sha, zip.length, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store bundle " + sha, e);
    } finally {
      deleteTree(tmp);
    }
  }

  /** The unpacked directory of a bundle stored earlier (after a restart, say). */
  public Path dir(String sha256) {
    return code.resolve(sha256);
  }

  private static void unpack(byte[] zip, Path target) throws IOException {
    Files.createDirectories(target);
    Path root = target.toAbsolutePath().normalize();
    long total = 0;
    int entries = 0;
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      ZipEntry entry;
      byte[] buf = new byte[64 * 1024];
      while ((entry = in.getNextEntry()) != null) {
        entries++;
        Path out = root.resolve(entry.getName()).normalize();
        if (!out.startsWith(root) || out.equals(root) && !entry.isDirectory()) {
          throw LambdaException.invalidParameter(
              "Code.ZipFile: entry '" + entry.getName() + "' escapes the bundle directory");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (var os = Files.newOutputStream(out)) {
          int n;
          while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > MAX_UNPACKED_BYTES) {
              throw new LambdaException(
                  413,
                  "RequestTooLargeException",
                  "Code.ZipFile: unpacks to more than 262144000 bytes (expected: at most 250 MB"
                      + " unzipped)");
            }
            os.write(buf, 0, n);
          }
        }
        // Zip entries made on Unix carry no portable mode bit through ZipInputStream: the
        // executables a runtime starts (bootstrap, bin/*) are made executable here.
        String name = out.getFileName().toString();
        if (name.equals("bootstrap") || out.getParent().getFileName().toString().equals("bin")) {
          out.toFile().setExecutable(true, false);
        }
      }
    } catch (ZipException e) {
      throw LambdaException.invalidParameter(
          "Code.ZipFile: not a valid zip (" + e.getMessage() + ")");
    }
    if (entries == 0) {
      throw LambdaException.invalidParameter("Code.ZipFile: the zip has no entries");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void deleteTreeQuietly(Path dir) {
    deleteTree(dir);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a left-over temporary directory is harmless and reused names are unique.
    }
  }

  /** Reads a whole stream (used for bundled resources). */
  public static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
