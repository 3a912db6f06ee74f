/**
 * The operator commands of {@code strata} ({@code apply}, {@code get}, {@code list}, {@code
 * delete}, {@code invalidate}, {@code prewarm}, {@code nodes}, {@code status}) and the blocking
 * admin API client they use.
 */
package io.strata.dist.cli;
