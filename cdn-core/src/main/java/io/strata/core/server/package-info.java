/**
 * Listening: the node's HTTP servers across event loops, and the admin port with metrics and
 * health.
 */
package io.strata.core.server;
