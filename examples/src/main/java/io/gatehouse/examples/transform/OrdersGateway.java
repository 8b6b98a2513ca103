package io.gatehouse.examples.transform;

import io.gatehouse.Gateway;
import io.gatehouse.transform.Compression;
import io.gatehouse.transform.JsonTransform;
import io.gatehouse.transform.TransformValue;
import java.util.List;
import java.util.Map;

/** A public orders API in front of an internal service that speaks another shape; its test runs it on stubs. */
public final class OrdersGateway {
  private OrdersGateway() {}

  /**
   * {@code /orders/{id}}: the request gets the order id and the caller's tenant (from a header the
   * gateway trusts), loses a field clients must not set, and is renamed to the service's names; the
   * response loses the service's internal fields, gets the public names, a computed line count,
   * and an envelope; it is gzip-compressed for clients that accept it.
   *
   * @return the builder
   */
  // tag::transform[]
  public static Gateway.Builder gateway() {
    return Gateway.builder()
        .route("orders", r -> r
            .path("/orders/{id}").methods("GET", "PUT")
            .transformRequest(JsonTransform.of()
                .set("/orderId", TransformValue.pathVariable("id"))
                .set("/tenant", TransformValue.header("X-Tenant"))   // a client's own value never survives
                .remove("/priceOverride")
                .rename("/quantity", "qty"))
            .transformResponse(JsonTransform.of()
                .keepOnly("/id", "/status", "/lines", "/total")         // an allow-list: new fields stay hidden
                .rename("/total", "amount")
                .custom(OrdersGateway::countLines)                      // plain maps and lists, no Jackson
                .wrap("order")
                .maxBodyBytes(256 * 1024))                              // larger answers become 502
            .compression(Compression.gzip().minSize(1024))
            .upstream("http://orders:8080"));
  }

  @SuppressWarnings("unchecked")
  private static Object countLines(Object body) {
    Map<String, Object> order = (Map<String, Object>) body;
    order.put("lineCount", ((List<Object>) order.getOrDefault("lines", List.of())).size());
    return order;
  }
  // end::transform[]
}
