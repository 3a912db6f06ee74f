/**
 * Lambda@Edge at the tier that talks to the origin: {@link
 * io.strata.core.functions.EdgeFunctionHooks} runs a behavior's origin-request and origin-response
 * functions on the function runtime's Invoke API, around the origin fetch.
 */
package io.strata.core.functions;
