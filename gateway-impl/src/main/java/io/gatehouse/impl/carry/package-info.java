/**
 * Internal: run-time state that a swapped-in gateway takes over from its predecessor when its
 * definition is unchanged ({@link io.gatehouse.impl.carry.CarriedState}). Not API: may change
 * without notice.
 */
package io.gatehouse.impl.carry;
