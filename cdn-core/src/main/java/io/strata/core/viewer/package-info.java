/**
 * The viewer-facing stages of the edge, run after routing and before the cache lookup: protocol
 * policy, allowed methods, IP restrictions, rate limiting, response headers policies, signed URL
 * and cookie checks, and the custom error responses every refusal and error status passes through.
 * One ordered list, built once per node in {@link io.strata.core.viewer.ViewerPipeline}.
 */
package io.strata.core.viewer;
