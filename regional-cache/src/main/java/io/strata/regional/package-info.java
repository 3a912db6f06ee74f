/** The regional tier: cache nodes in front of the origins. */
package io.strata.regional;
