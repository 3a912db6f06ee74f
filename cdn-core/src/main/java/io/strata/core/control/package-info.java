/**
 * The node side of the control plane: {@link io.strata.core.control.NodeAgent} registers a cache
 * node, heartbeats, follows the config stream, applies whole snapshots and invalidations, and
 * persists the applied snapshot; {@link io.strata.core.control.InvalidationPath} and {@link
 * io.strata.core.control.Invalidation} decide which stored entries an invalidation covers
 * (CloudFront's path rules, cache tags). Nothing here is nullable unless documented.
 */
package io.strata.core.control;
