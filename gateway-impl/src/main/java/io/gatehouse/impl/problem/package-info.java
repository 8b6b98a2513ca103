/**
 * Internal: the one format of the responses the gateway makes by itself
 * ({@link io.gatehouse.impl.problem.Problems}) and request ids
 * ({@link io.gatehouse.impl.problem.RequestIds}), and {@code Retry-After}: the compiler's names for
 * {@link io.gatehouse.adapter.ProblemResponse} and {@link io.gatehouse.adapter.RequestId}, which
 * adapters use. Not API.
 * Nothing here accepts or returns null.
 */
package io.gatehouse.impl.problem;
