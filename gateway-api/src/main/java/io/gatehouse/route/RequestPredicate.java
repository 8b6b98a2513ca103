package io.gatehouse.route;

import io.gatehouse.http.Request;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A custom route predicate with a description, shown when a route is explained.
 *
 * <p>{@code r.predicate("mobile clients", req -> req.headers().first("User-Agent").orElse("").contains("Mobile"))}
 *
 * <p>The test runs on an I/O thread for every request the route's path matches: it must be fast
 * and must not block.
 *
 * @param description what it tests, for humans
 * @param test the test, over the request with its normalized path
 * @since 0.1
 */
public record RequestPredicate(String description, Predicate<Request> test) {

  /**
   * Checks that both components are set.
   *
   * @param description what it tests, for humans
   * @param test the test, over the request with its normalized path
   */
  public RequestPredicate {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(test, "test");
  }

  @Override
  public String toString() {
    return "predicate '" + description + "'";
  }
}
