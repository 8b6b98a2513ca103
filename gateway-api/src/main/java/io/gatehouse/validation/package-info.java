/**
 * Request validation before anything reaches the upstream. Starting points:
 * {@link io.gatehouse.validation.RequestValidator} (what a validator checks, in two phases: the
 * head, then the body read under a cap), {@link io.gatehouse.validation.RequestValidation} (a
 * validator with its body cap, set with {@code RouteBuilder.validate}) and
 * {@link io.gatehouse.validation.Violation} (one problem, with its place: a JSON Pointer into the
 * body or a parameter). The JSON Schema and OpenAPI validators live in the optional
 * {@code gateway-contracts} module ({@code io.gatehouse.contract}).
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.2
 */
package io.gatehouse.validation;
