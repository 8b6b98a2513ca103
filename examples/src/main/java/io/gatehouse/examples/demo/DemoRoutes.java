package io.gatehouse.examples.demo;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import java.time.Duration;

/** The demo's route table, shared by the runnable demo and its tests. */
public final class DemoRoutes {
  /** The demo partner's API key: a demo needs one it can print; real keys live in a secret store. */
  public static final String DEMO_API_KEY = "demo-partner-key-0123456789";

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
        .consumer(ApiConsumer.builder("demo-partner").groups("partners").plan("free").apiKey(DEMO_API_KEY).build())
        .route("health", r -> r
            .path("/health").methods("GET")
            .respond(200, "application/json", "{\"status\":\"up\"}"))
        .route("orders", r -> r
            .path("/api/orders", "/api/orders/{id}").methods("GET", "POST")
            .stripPrefix(1)                                  // /api/orders/7 -> /orders/7
            .setRequestHeader("X-Gateway", "gatehouse")
            .upstream(ordersUrl)
            .responseTimeout(Duration.ofSeconds(2)))
        .route("partner-orders", r -> r
            .path("/partner/orders/{id}").methods("GET")
            .auth(Auth.apiKey())                             // X-API-Key, removed before upstream
            .requireRoles("partners")
            .rewritePath("^/partner/orders/.*$", "/orders/{id}")
            .upstream(ordersUrl))                            // sees X-Consumer-Id: demo-partner
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
