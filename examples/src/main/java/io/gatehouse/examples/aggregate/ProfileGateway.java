package io.gatehouse.examples.aggregate;

import io.gatehouse.Gateway;
import io.gatehouse.aggregate.Aggregation;
import io.gatehouse.aggregate.Backend;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;

/** One client call for a profile page, made of three backend calls; its test runs it on stubs. */
public final class ProfileGateway {
  private ProfileGateway() {}

  /**
   * {@code GET /profile/{id}}: the user and their orders in parallel (the orders are optional and
   * get 300 ms), then the user's company, looked up with the id found in the user's answer.
   *
   * @return the builder
   */
  // tag::aggregate[]
  public static Gateway.Builder gateway() {
    Upstream users = Upstream.of("http://users-1:8080", "http://users-2:8080").named("users");
    return Gateway.builder()
        .route("profile", r -> r
            .path("/profile/{id}").methods("GET")
            .timeout(Duration.ofSeconds(2))                          // the whole aggregation
            .aggregate(Aggregation.of(
                    Backend.of("user", users, "/users/{id}")
                        .retry(Retry.times(1))
                        .deny("/passwordHash"),
                    Backend.of("orders", "http://orders:8080", "/orders?customer={id}&limit=5")
                        .optional()                                  // partial answer if it fails
                        .timeout(Duration.ofMillis(300))
                        .circuitBreaker(CircuitBreaker.of().failureRateThreshold(50))
                        .forwardHeaders("Authorization"))
                .then(Backend.of("company", "http://companies:8080", "/companies/{companyId}")
                    .bind("companyId", "user", "/companyId")         // a JSON Pointer into the user
                    .allow("/name", "/country"))));
  }
  // end::aggregate[]
}
