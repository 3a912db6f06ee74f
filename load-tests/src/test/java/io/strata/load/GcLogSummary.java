package io.strata.load;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a JVM's {@code -Xlog:gc} file says about pauses: how many, how many full, the longest, and
 * the largest heap occupancy right after a collection (the closest a log gets to the live set).
 */
record GcLogSummary(
    int pauses,
    int fullPauses,
    double longestPauseMillis,
    double longestFullMillis,
    long maxAfterMiB) {
  private static final Pattern PAUSE =
      Pattern.compile("Pause (\\w+).* (\\d+)M->(\\d+)M\\((\\d+)M\\) ([0-9.]+)ms$");

  static GcLogSummary of(List<String> lines) {
    int pauses = 0;
    int full = 0;
    double longest = 0;
    double longestFull = 0;
    long maxAfter = 0;
    for (String line : lines) {
      Matcher m = PAUSE.matcher(line);
      if (!m.find()) {
        continue;
      }
      pauses++;
      double millis = Double.parseDouble(m.group(5));
      longest = Math.max(longest, millis);
      if (m.group(1).equals("Full")) {
        full++;
        longestFull = Math.max(longestFull, millis);
      }
      maxAfter = Math.max(maxAfter, Long.parseLong(m.group(3)));
    }
    return new GcLogSummary(pauses, full, longest, longestFull, maxAfter);
  }

  @Override
  public String toString() {
    return String.format(
        "%d pauses, %d full (longest full %.1f ms), longest pause %.1f ms, heap after a"
            + " collection at most %d MiB",
        pauses, fullPauses, longestFullMillis, longestPauseMillis, maxAfterMiB);
  }
}
