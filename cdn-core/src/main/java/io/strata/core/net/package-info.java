/** Network address helpers shared by access checks: CIDR blocks for IPv4 and IPv6. */
package io.strata.core.net;
