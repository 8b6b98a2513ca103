/**
 * Internal: the checks every request passes once, at ingress, before normalization, routing or any
 * stage: request limits ({@link io.gatehouse.impl.ingress.IngressChecks}), header names and
 * values, hop-by-hop headers ({@link io.gatehouse.impl.ingress.HopByHop}), forged routing and
 * origin headers ({@link io.gatehouse.impl.ingress.OriginHeaders}), and the request body's cap
 * after routing ({@link io.gatehouse.impl.ingress.BodyLimit}); which methods are known, and
 * method overrides ({@link io.gatehouse.impl.ingress.MethodRules}). Start at {@code IngressChecks}.
 * Not API. Nothing here accepts or returns null.
 */
package io.gatehouse.impl.ingress;
