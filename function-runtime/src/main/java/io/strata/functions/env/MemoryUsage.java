package io.strata.functions.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The truthful "Max Memory Used": the peak resident set size ({@code VmHWM}) of an environment's
 * runtime process, from {@code /proc}. Only that process is read: listing descendants scans every
 * process on the machine and cost milliseconds per invocation; runtimes are one process (a {@code
 * provided} bootstrap that forks helpers has their memory uncounted).
 */
final class MemoryUsage {
  private MemoryUsage() {}

  static int maxUsedMb(long pid) {
    if (pid <= 0) {
      return 0;
    }
    long kb = hwmKb(pid);
    return (int) ((kb + 1023) / 1024);
  }

  private static long hwmKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process has ended or /proc is unavailable: no figure.
    }
    return 0;
  }
}
