package io.gatehouse.examples.demo;

import io.gatehouse.Gateway;
import java.time.Duration;

/** The demo's route table, shared by the runnable demo and its tests. */
public final class DemoRoutes {
  private DemoRoutes() {}

  /**
   * The demo gateway, not yet built.
   *
   * @param ordersUrl where the orders service listens
   * @param catalogUrl where the catalog service listens
   * @return the builder
   */
  // tag::routes[]
  public static Gateway.Builder gateway(String ordersUrl, String catalogUrl) {
    return Gateway.builder()
        .route("health", r -> r
            .path("/health").methods("GET")
            .respond(200, "application/json", "{\"status\":\"up\"}"))
        .route("orders", r -> r
            .path("/api/orders", "/api/orders/{id}").methods("GET", "POST")
            .stripPrefix(1)                                  // /api/orders/7 -> /orders/7
            .setRequestHeader("X-Gateway", "gatehouse")
            .upstream(ordersUrl)
            .responseTimeout(Duration.ofSeconds(2)))
        .route("catalog-beta", r -> r
            .path("/catalog/{item}").methods("GET")
            .header("X-Beta", "true")                        // beta testers see v2
            .rewritePath("^/catalog/.*$", "/v2/items/{item}")
            .upstream(catalogUrl))
        .route("catalog", r -> r
            .path("/catalog/{item}").methods("GET")
            .rewritePath("^/catalog/.*$", "/v1/items/{item}")
            .setResponseHeader("Cache-Control", "max-age=60")
            .upstream(catalogUrl));
  }
  // end::routes[]
}
