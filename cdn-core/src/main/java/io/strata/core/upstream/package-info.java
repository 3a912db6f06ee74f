/** The next tier behind a node: the origin, or (at the edge) a regional cache node. */
package io.strata.core.upstream;
