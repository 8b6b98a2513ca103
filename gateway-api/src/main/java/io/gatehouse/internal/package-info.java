/**
 * Internal: helpers that the packages of gateway-api share. Not API: Java has no visibility
 * between sibling packages, so these types are public, but they may change or go in any release,
 * the API compatibility check leaves them out, and nothing outside gateway-api may use them: the
 * module {@code io.gatehouse.api} does not export this package, and a build test fails if another
 * Gatehouse module names it.
 *
 * <p>Starting point: {@link io.gatehouse.internal.Check}, the range checks in the one message
 * grammar, and {@link io.gatehouse.internal.Text}, how optional values print. No method accepts or returns null unless it says so.
 */
package io.gatehouse.internal;
