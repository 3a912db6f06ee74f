package io.strata.dist;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * One log format for every role: {@code 2026-11-29T10:00:00.123Z INFO logger - message}, to stderr.
 */
final class Logging {
  private Logging() {}

  static void configure() {
    String config =
        String.join(
            "\n",
            "handlers=java.util.logging.ConsoleHandler",
            ".level=INFO",
            "io.netty.level=WARNING",
            "java.util.logging.ConsoleHandler.level=ALL",
            "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
            "java.util.logging.SimpleFormatter.format=%1$tFT%1$tT.%1$tLZ %4$-7s %3$s - %5$s%6$s%n");
    try {
      LogManager.getLogManager()
          .readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalStateException("logging configuration", e);
    }
    System.setProperty("user.timezone", "UTC");
    java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
  }
}
