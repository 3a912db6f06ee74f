/**
 * The configuration model: an immutable {@link io.strata.core.config.StrataConfig} snapshot of
 * distributions, their origins and cache behaviours, and {@link
 * io.strata.core.config.ConfigLoader}, which reads it from YAML (or JSON).
 *
 * <p>Every record validates itself in its compact constructor and throws {@link
 * io.strata.core.config.InvalidValueException}, whose message names the field, the value and the
 * expectation ({@code connectTimeoutMs: -5 (expected: 1..60000)}); the loader adds the file name,
 * line, column and full field path. A snapshot is validated once and then only read, so it can be
 * shared freely between threads and swapped atomically. Parameters and return values are non-null
 * unless a method says otherwise.
 */
package io.strata.core.config;
