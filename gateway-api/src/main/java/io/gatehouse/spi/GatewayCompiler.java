package io.gatehouse.spi;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.Unstable;

/**
 * Turns a gateway description into a running gateway. {@link Gateway.Builder#build()} finds the
 * one implementation on the class path with {@link java.util.ServiceLoader}; {@code gateway-impl}
 * provides it.
 *
 * <p>{@code Gateway g = ServiceLoader.load(GatewayCompiler.class).findFirst().orElseThrow().compile(spec);}
 *
 * @since 0.1
 */
@Unstable
public interface GatewayCompiler {

  /**
   * Validates the whole description and compiles it.
   *
   * @param spec the description
   * @return the gateway, immutable and thread-safe
   * @throws io.gatehouse.GatewayConfigException listing every mistake found
   */
  Gateway compile(GatewaySpec spec);
}
