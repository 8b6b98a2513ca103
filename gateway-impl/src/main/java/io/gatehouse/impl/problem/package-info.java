/**
 * Internal: the one format of the responses the gateway makes by itself
 * ({@link io.gatehouse.impl.problem.Problems}) and request ids
 * ({@link io.gatehouse.impl.problem.RequestIds}). Shared by the compiler and the adapters; not API.
 * Nothing here accepts or returns null.
 */
package io.gatehouse.impl.problem;
