/** The edge tier: viewer-facing cache nodes and the consistent-hash choice of regional node. */
package io.strata.edge;
