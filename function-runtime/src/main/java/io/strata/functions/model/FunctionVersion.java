package io.strata.functions.model;

import java.nio.file.Path;

/**
 * One runnable revision of a function: {@code $LATEST} as it is now, or a published (immutable)
 * version. Environments are pooled per revision, so a code or configuration change never reuses an
 * environment started for the old one.
 *
 * @param version {@code $LATEST} or a version number
 * @param revisionId unique for each distinct configuration + code of the function
 * @param codeSha256 the bundle's SHA-256 (hex), which names its unpacked directory
 * @param codeDir the unpacked bundle (the environment's working directory)
 */
public record FunctionVersion(
    FunctionConfig config,
    String version,
    String revisionId,
    String codeSha256,
    long codeSize,
    Path codeDir,
    String lastModified) {

  public String name() {
    return config.name();
  }

  /** The pool key: function name and version (a concurrency pool per version, as Lambda does). */
  public String key() {
    return config.name() + ":" + version;
  }
}
