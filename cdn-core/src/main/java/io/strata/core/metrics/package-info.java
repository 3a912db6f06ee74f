/** Micrometer meters of the cache tiers, recorded once per request when it completes. */
package io.strata.core.metrics;
