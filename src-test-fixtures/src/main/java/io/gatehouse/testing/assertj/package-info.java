/**
 * AssertJ assertions for Gatehouse tests; start at
 * {@link io.gatehouse.testing.assertj.GatewayAssertions}.
 *
 * @since 0.1
 */
package io.gatehouse.testing.assertj;
