/** Injected time, so that freshness is decided without sleeping in tests. */
package io.strata.core.time;
