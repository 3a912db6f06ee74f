/**
 * The control plane: the admin API under {@code /v1} ({@link io.strata.control.ControlPlane}), the
 * JDBC store (H2 file or PostgreSQL), resources kept as JSON documents and turned into the node
 * snapshot, tokens and the audit log, node registry and config stream, invalidations and pre-warm
 * jobs. Database work runs on a worker pool, never on the event loop. Nothing here is nullable
 * unless documented.
 */
package io.strata.control;
