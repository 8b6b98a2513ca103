/**
 * Internal: the request validation stage. {@link io.gatehouse.impl.validation.ValidationCompiler}
 * checks each route's {@link io.gatehouse.validation.RequestValidation} and makes its
 * {@link io.gatehouse.impl.validation.ValidationStage}, which runs after the built-in access
 * stages and before the route's filters. Not API: may change without notice.
 */
package io.gatehouse.impl.validation;
