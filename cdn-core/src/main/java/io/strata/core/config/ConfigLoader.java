package io.strata.core.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a {@link StrataConfig} from YAML (JSON is valid YAML too).
 *
 * <p>The document has this shape; fields marked optional take the documented defaults:
 *
 * <pre>{@code
 * distributions:
 *   - id: site
 *     aliases: [localhost, 127.0.0.1]      # host names or IP addresses, no scheme or port
 *     origins:
 *       - id: web
 *         url: http://127.0.0.1:8000       # http or https, optional port and path prefix
 *         connectTimeoutMs: 2000           # optional, 1..60000, default 2000
 *         readTimeoutMs: 30000             # optional, 1..600000, default 30000
 *     defaultBehavior:
 *       origin: web                        # pathPattern optional; if given, must be '*'
 *       cachePolicy: { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 }   # optional, CloudFront defaults
 *     behaviors:                           # optional, evaluated in order, first match wins
 *       - pathPattern: /api/*
 *         origin: web
 *         cachePolicy: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }
 * }</pre>
 *
 * <p>Anything unexpected is rejected with a {@link ConfigException} that names the source, line,
 * column and field path: unknown or duplicate fields, missing required fields, values of the wrong
 * type or out of range, and broken references ({@code site.yaml:12:9:
 * distributions[0].origins[0].connectTimeoutMs: -5 (expected: 1..60000)}). YAML aliases and
 * multi-document files are not supported. This class is stateless and thread-safe.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * Reads and validates a configuration file (UTF-8).
   *
   * @param file the file; its path as given is used as the source name in error messages
   * @return the configuration
   * @throws ConfigException if the file cannot be read or is invalid
   */
  public static StrataConfig load(Path file) {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e, e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and validates a configuration.
   *
   * @param text the YAML or JSON text
   * @param sourceName the name to use in error messages, such as a file name
   * @return the configuration
   * @throws ConfigException if the text is invalid
   */
  public static StrataConfig parse(String text, String sourceName) {
    requireNonNull(text, "text");
    requireNonNull(sourceName, "sourceName");
    return new ConfigBinder(sourceName).bind(YamlReader.read(text, sourceName));
  }
}
