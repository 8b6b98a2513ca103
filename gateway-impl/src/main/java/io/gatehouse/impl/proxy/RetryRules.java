package io.gatehouse.impl.proxy;

import io.gatehouse.TimeSource;
import io.gatehouse.http.Request;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarryKey;
import io.gatehouse.impl.resilience.CallOutcome;
import io.gatehouse.impl.resilience.RetryBudget;
import io.gatehouse.upstream.Retry;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A route's {@link Retry} at run time: which requests and outcomes may be retried, the budget, the
 * backoff. A gateway swapped in with the same route id and retry settings takes the budget over.
 */
final class RetryRules implements CarriedState {
  /** The methods RFC 9110 section 9.2.2 calls idempotent. */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  final Retry spec;
  private final String routeId;
  private volatile RetryBudget budget;

  RetryRules(String routeId, Retry spec, TimeSource time) {
    this.routeId = routeId;
    this.spec = spec;
    this.budget = new RetryBudget(spec.budgetRatio(), spec.budgetMinPerSecond(), time);
  }

  @Override
  public CarryKey carryKey() {
    return new CarryKey("retry-budget", routeId, spec);
  }

  @Override
  public void takeOver(CarriedState previous) {
    budget = ((RetryRules) previous).budget;
  }

  /** Counts a request toward the budget; call once per request, not per attempt. */
  void onRequest() {
    budget.onRequest();
  }

  /** Whether the request's method (or its idempotency key) lets it be retried at all. */
  boolean allows(Request request) {
    return IDEMPOTENT.contains(request.method())
        || spec.idempotencyKey().filter(header -> request.headers().contains(header)).isPresent();
  }

  /** Whether the policy retries this outcome. */
  boolean retries(CallOutcome outcome, int status) {
    return switch (outcome) {
      case SUCCESS -> status == 429 && spec.statuses().contains(429);
      case SERVER_ERROR -> spec.statuses().contains(status);
      case CONNECT_FAILURE -> spec.on().contains(Retry.Failure.CONNECT_FAILURE);
      case RESET -> spec.on().contains(Retry.Failure.RESET);
      case TIMEOUT -> spec.on().contains(Retry.Failure.RESPONSE_TIMEOUT);
      case CANCELLED -> false;
    };
  }

  /** Spends one retry from the budget, if it has one left. */
  boolean spend() {
    return budget.tryRetry();
  }

  /** The wait before retry number {@code retry} (1 for the first): full jitter over an exponential ceiling. */
  long backoffNanos(int retry) {
    long base = spec.backoff().toNanos();
    long max = spec.maxBackoff().toNanos();
    long ceiling = retry >= 31 ? max : Math.min(max, base << (retry - 1));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }
}
