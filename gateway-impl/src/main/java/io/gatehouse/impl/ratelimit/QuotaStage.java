package io.gatehouse.impl.ratelimit;

import io.gatehouse.auth.Principal;
import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.ratelimit.RateLimitHeaders;
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
final class QuotaStage implements Filter {
  private final Map<String, List<QuotaCounter>> plans;
  private final Optional<String> defaultPlan;
  private final RateLimitHeaders headers;
  private final long cost;
  private final QuotaCounts counts;

  QuotaStage(Map<String, List<QuotaCounter>> plans, Optional<String> defaultPlan, RateLimitHeaders headers, long cost,
      QuotaCounts counts) {
    this.plans = plans;
    this.defaultPlan = defaultPlan;
    this.headers = headers;
    this.cost = cost;
    this.counts = counts;
  }

  private record Counted(QuotaCounter counter, QuotaCounter.Decision decision) {}

  @Override
  public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
    Optional<Principal> principal = exchange.principal();
    Optional<String> plan = principal.flatMap(Principal::plan).or(() -> principal.flatMap(p -> defaultPlan));
    List<QuotaCounter> quotas = plan.map(plans::get).orElse(List.of());
    if (quotas.isEmpty()) {
      return chain.proceed(exchange);
    }
    List<Counted> counted = new ArrayList<>(quotas.size());
    return count(quotas, 0, plan.get(), principal.get().id(), counted).thenCompose(refused -> {
      if (refused != null) {
        return CompletableFuture.completedFuture(refused.apply(exchange));
      }
      if (headers == RateLimitHeaders.NONE) {
        return chain.proceed(exchange);
      }
      return chain.proceed(exchange).thenApply(r -> r.toBuilder().headers(withHeaders(r.headers().toBuilder(), counted).build()).build());
    });
  }

  /** Counts against each quota in turn; at the first refusal, takes the others back and answers. */
  private CompletionStage<Function<Exchange, Response>> count(List<QuotaCounter> quotas, int index, String plan, String id,
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
        return CompletableFuture.completedFuture(exchange -> exchange.problem(503, "Service Unavailable",
            "quotas cannot be checked now"));
      }
      counted.add(new Counted(quota, decision));
      return CompletableFuture.completedFuture(exchange -> {
        Response problem = exchange.problem(429, "Too Many Requests", "quota '" + quota.quota().name() + "' of plan '"
            + plan + "' (" + quota.quota().requests() + " per " + quota.quota().window().name().toLowerCase(Locale.ROOT)
            + ") is used up");
        HttpHeaders.Builder h = problem.headers().toBuilder()
            .set("Retry-After", Long.toString(seconds(decision.resetMillis())));
        return problem.toBuilder().headers(withHeaders(h, counted).build()).build();
      });
    });
  }

  /** Appends the quotas to the rate limits' fields. */
  private HttpHeaders.Builder withHeaders(HttpHeaders.Builder h, List<Counted> counted) {
    if (headers == RateLimitHeaders.NONE) {
      return h;
    }
    if (headers == RateLimitHeaders.X_RATELIMIT) {
      Counted closest = counted.get(0);
      for (Counted c : counted) {
        if (c.decision().remaining() < closest.decision().remaining()) {
          closest = c;
        }
      }
      HttpHeaders built = h.build();
      long shown = built.first("X-RateLimit-Remaining").map(Long::parseLong).orElse(Long.MAX_VALUE);
      if (closest.decision().remaining() < shown) {
        h.set("X-RateLimit-Limit", Long.toString(closest.counter().quota().requests()))
            .set("X-RateLimit-Remaining", Long.toString(closest.decision().remaining()))
            .set("X-RateLimit-Reset", Long.toString(seconds(closest.decision().resetMillis())));
      }
      return h;
    }
    for (Counted c : counted) {
      String name = c.counter().quota().name();
      append(h, "RateLimit-Policy",
          "\"" + name + "\";q=" + c.counter().quota().requests() + ";w=" + seconds(c.decision().windowMillis()));
      append(h, "RateLimit", "\"" + name + "\";r=" + c.decision().remaining() + ";t=" + seconds(c.decision().resetMillis()));
    }
    return h;
  }

  /** Adds an item to a structured-field list, after the rate limits' items if there are any. */
  private static void append(HttpHeaders.Builder h, String field, String item) {
    Optional<String> before = h.build().first(field);
    h.set(field, before.map(b -> b + ", " + item).orElse(item));
  }

  private static long seconds(long millis) {
    return millis <= 0 ? 0 : (millis + 999) / 1000;
  }

  @Override
  public String toString() {
    return "quota stage";
  }
}
