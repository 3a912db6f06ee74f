/**
 * Edge compression with CloudFront's rules: {@link io.strata.core.compress.AcceptEncoding}
 * normalises the viewer's {@code Accept-Encoding} (for the cache key and the origin request),
 * {@link io.strata.core.compress.Compressibility} decides whether a response is compressed and why
 * not, {@link io.strata.core.compress.ContentEncoder} streams a body through {@link
 * io.strata.core.compress.GzipEncoder} or {@link io.strata.core.compress.BrotliEncoder}, and {@link
 * io.strata.core.compress.ETags} / {@link io.strata.core.compress.VaryHeader} adjust the headers of
 * the compressed variant.
 *
 * <p>Everything here is pure and never throws on malformed header values (encoders throw only on
 * misuse, such as input after {@code finish()}). Parameters and results are non-null unless a
 * method says otherwise.
 */
package io.strata.core.compress;
