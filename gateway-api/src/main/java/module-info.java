/**
 * Gatehouse's API: the gateway, its builders and specs, the exchange model, filters, the SPI the
 * implementation provides, and what server adapters share. Depends on {@code java.base} only;
 * {@link io.gatehouse.Gateway.Builder#build()} finds the implementation ({@code gateway-impl})
 * with {@link java.util.ServiceLoader}. {@code io.gatehouse.internal} is not exported.
 *
 * @uses io.gatehouse.spi.GatewayCompiler
 * @uses io.gatehouse.spi.AdapterServices
 * @since 0.1
 */
module io.gatehouse.api {
  exports io.gatehouse;
  exports io.gatehouse.adapter;
  exports io.gatehouse.aggregate;
  exports io.gatehouse.auth;
  exports io.gatehouse.cache;
  exports io.gatehouse.edge;
  exports io.gatehouse.filter;
  exports io.gatehouse.http;
  exports io.gatehouse.metering;
  exports io.gatehouse.observe;
  exports io.gatehouse.ratelimit;
  exports io.gatehouse.route;
  exports io.gatehouse.spi;
  exports io.gatehouse.transform;
  exports io.gatehouse.upstream;
  exports io.gatehouse.validation;

  uses io.gatehouse.spi.GatewayCompiler;
  uses io.gatehouse.spi.AdapterServices;
}
