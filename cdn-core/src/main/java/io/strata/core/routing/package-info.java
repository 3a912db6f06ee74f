/**
 * Behaviour matching: maps a request's host and path to the one {@link
 * io.strata.core.routing.Route} (distribution, cache behaviour, origin) that later stages read,
 * following CloudFront's rules: behaviours are tried in list order, the first {@link
 * io.strata.core.routing.PathPattern} that matches wins and the default behaviour ({@code *}) comes
 * last.
 *
 * <p>Everything here is immutable and thread-safe. Parameters and return values are non-null unless
 * a method says otherwise.
 */
package io.strata.core.routing;
