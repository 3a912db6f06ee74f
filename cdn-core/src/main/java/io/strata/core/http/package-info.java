/**
 * Small HTTP helpers shared by both cache tiers: host normalisation, hop-by-hop filtering and
 * {@link io.strata.core.http.HttpDate} for RFC 9110 dates. Parsers here never throw on malformed
 * input; they return a documented sentinel instead.
 */
package io.strata.core.http;
