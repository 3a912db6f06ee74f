package io.strata.functions.env;

/**
 * The log lines of one invocation, bounded: only the most recent 64 KiB are kept (the Invoke API
 * returns at most the last 4 KB).
 */
public final class LogBuffer {
  private static final int KEEP = 64 * 1024;
  private final StringBuilder text = new StringBuilder();

  public synchronized void line(String line) {
    text.append(line).append('\n');
    if (text.length() > 2 * KEEP) {
      text.delete(0, text.length() - KEEP);
    }
  }

  public synchronized String text() {
    return text.toString();
  }

  /** The last {@code maxBytes} bytes of the log as UTF-8 (Lambda's {@code X-Amz-Log-Result}). */
  public synchronized byte[] tail(int maxBytes) {
    byte[] all = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (all.length <= maxBytes) {
      return all;
    }
    return java.util.Arrays.copyOfRange(all, all.length - maxBytes, all.length);
  }
}
