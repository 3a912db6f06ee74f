/** The request path of a cache tier: routing, cache lookup, collapsed fills and pass-through. */
package io.strata.core.proxy;
