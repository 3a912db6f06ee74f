/**
 * CloudFront-compatible private content: the canonical policy strings, CloudFront's Base64 variant,
 * PEM keys, signing (for the {@code strata sign-url}/{@code sign-cookies} commands) and
 * verification (for the edge). One implementation of the wire format serves both sides; keys and
 * the current time are always passed in.
 */
package io.strata.core.signing;
