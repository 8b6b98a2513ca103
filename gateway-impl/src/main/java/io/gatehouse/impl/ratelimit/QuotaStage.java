package io.gatehouse.impl.ratelimit;

import io.gatehouse.auth.Principal;
import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.observe.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The usage-plan quotas of the authenticated principal: each quota of its plan counts the request;
 * one that is used up answers 429 until its window ends, and the others give their count back.
 * Counts live in this instance, or in the shared store when the gateway has one.
 * Public routes and principals without a plan (and no default plan) are not counted.
 */
final class QuotaStage implements Stage {
  private final Map<String, List<QuotaCounter>> plans;
  private final Optional<String> defaultPlan;
  private final long cost;
  private final QuotaCounts counts;

  QuotaStage(Map<String, List<QuotaCounter>> plans, Optional<String> defaultPlan, long cost, QuotaCounts counts) {
    this.plans = plans;
    this.defaultPlan = defaultPlan;
    this.cost = cost;
    this.counts = counts;
  }

  private record Counted(QuotaCounter counter, QuotaCounter.Decision decision) {}

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain chain) {
    Optional<Principal> principal = state.principal();
    Optional<String> plan = principal.flatMap(Principal::plan).or(() -> principal.flatMap(p -> defaultPlan));
    List<QuotaCounter> quotas = plan.map(plans::get).orElse(List.of());
    if (quotas.isEmpty()) {
      return chain.proceed(exchange);
    }
    List<Counted> counted = new ArrayList<>(quotas.size());
    return count(quotas, 0, plan.get(), principal.get().id(), counted).thenCompose(refused -> {
      Optional.ofNullable(state.attribute(LimitReport.KEY)).ifPresent(report -> counted.forEach(c -> report.add(item(c))));
      return refused != null ? CompletableFuture.completedFuture(refused.apply(state)) : chain.proceed(exchange);
    });
  }

  /** Counts against each quota in turn; at the first refusal, takes the others back and answers. */
  private CompletionStage<Function<RequestState, Response>> count(List<QuotaCounter> quotas, int index, String plan, String id,
      List<Counted> counted) {
    if (index == quotas.size()) {
      return CompletableFuture.completedFuture(null);
    }
    QuotaCounter quota = quotas.get(index);
    return counts.count(quota, plan, id, cost).thenCompose(decision -> {
      if (decision != null && decision.allowed()) {
        counted.add(new Counted(quota, decision));
        return count(quotas, index + 1, plan, id, counted);
      }
      for (Counted c : counted) {
        counts.uncount(c.counter(), plan, id, cost);
      }
      if (decision == null) {
        return CompletableFuture.completedFuture(answering -> answering.problem(503, "Service Unavailable",
            "quotas cannot be checked now"));
      }
      counted.add(new Counted(quota, decision));
      return CompletableFuture.completedFuture(answering -> {
        answering.reject(Rejection.QUOTA_EXCEEDED);
        Response problem = answering.problem(429, "Too Many Requests", "quota '" + quota.quota().name() + "' of plan '"
            + plan + "' (" + quota.quota().requests() + " per " + quota.quota().window().name().toLowerCase(Locale.ROOT)
            + ") is used up");
        return problem.toBuilder().headers(problem.headers().toBuilder()
            .set("Retry-After", Long.toString(seconds(decision.resetMillis()))).build()).build();
      });
    });
  }

  private static LimitReport.Item item(Counted c) {
    return new LimitReport.Item(c.counter().quota().name(), c.counter().quota().requests(),
        seconds(c.decision().windowMillis()), c.decision().remaining(), seconds(c.decision().resetMillis()));
  }

  /** Whole seconds, rounded up; none for a window that ended while the request was counted. */
  private static long seconds(long millis) {
    return Math.max(0, -Math.floorDiv(-millis, 1000L));
  }

  @Override
  public String toString() {
    return "quota stage";
  }
}
