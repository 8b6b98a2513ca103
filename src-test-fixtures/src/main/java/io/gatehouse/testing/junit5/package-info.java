/**
 * JUnit 5 support: {@link io.gatehouse.testing.junit5.GatewayExtension}.
 *
 * @since 0.1
 */
package io.gatehouse.testing.junit5;
