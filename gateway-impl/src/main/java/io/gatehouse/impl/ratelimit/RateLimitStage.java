package io.gatehouse.impl.ratelimit;

import io.gatehouse.TimeSource;
import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestKeys;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.observe.Rejection;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitCost;
import io.gatehouse.ratelimit.RateLimitHeaders;
import io.gatehouse.ratelimit.RateLimitStore.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * One route's rate limits, the gateway's first: each limit that applies takes one permit; if one
 * has none left, the permits the others took are given back and the request gets 429 at once (503
 * if a shared store cannot answer and the gateway is to fail closed). The response carries the
 * limits' headers either way.
 */
final class RateLimitStage implements Stage {
  /**
   * The one key of the requests a limit has no key for. A NUL cannot be in a header value, so no
   * request's own key equals it.
   */
  static final String KEYLESS = "\u0000keyless";

  /** What {@link #parseCost} answers for a stated cost it refuses. */
  private static final long INVALID_COST = -1;

  private final String routeId;
  private final List<KeyedLimiter> limiters;
  private final RateLimitHeaders headers;
  private final RequestKeys requestKeys;
  private final Permits permits;
  private final RateLimitCost cost;
  private final int maxCostDigits; // longer stated costs are refused before parsing: Long.parseLong cannot overflow
  private final TimeSource.Scheduler timer;
  private final boolean quotas; // the gateway has usage plans: their stage reports here too
  private final String role; // "rate-limit" or "pre-auth rate-limit", for the chain's names

  RateLimitStage(String routeId, List<KeyedLimiter> limiters, RateLimitHeaders headers,
      Permits permits, RateLimitCost cost, TimeSource.Scheduler timer,
      boolean quotas, String role) {
    this.role = role;
    this.routeId = routeId;
    this.limiters = List.copyOf(limiters);
    this.headers = headers;
    this.requestKeys = RequestKeys.INSTANCE;
    this.permits = permits;
    this.cost = cost;
    this.maxCostDigits = Long.toString(cost.max()).length();
    this.timer = timer;
    this.quotas = quotas;
  }

  /** A limit that applies to this request, and what it decided. */
  private record Taken(KeyedLimiter limiter, String key, Decision decision) {}

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain chain) {
    if (limiters.isEmpty() && !quotas) {
      return chain.proceed(exchange);
    }
    LimitReport report = new LimitReport();
    if (quotas) {
      state.attribute(LimitReport.KEY, report); // the quota stage adds its items here
    }
    return limit(exchange, state, chain, report).thenApply(response -> report.isEmpty() || headers == RateLimitHeaders.NONE
        ? response
        : response.toBuilder().headers(report.render(response.headers().toBuilder(), headers).build()).build());
  }

  private CompletionStage<Response> limit(Exchange exchange, RequestState state, Chain chain, LimitReport report) {
    List<KeyedLimiter> applying = new ArrayList<>(limiters.size());
    List<String> keys = new ArrayList<>(limiters.size());
    for (KeyedLimiter limiter : limiters) {
      Optional<String> key = keyOf(limiter.limit(), exchange, state);
      if (key.isPresent()) {
        applying.add(limiter);
        keys.add(key.get());
        continue;
      }
      switch (limiter.limit().keyless()) {
        case SHARED -> {
          applying.add(limiter);
          keys.add(KEYLESS);
        }
        case REJECT -> {
          return CompletableFuture.completedFuture(keyless(state, limiter.limit()));
        }
        case EXEMPT -> { }
        default -> throw new AssertionError(limiter.limit().keyless());
      }
    }
    if (applying.isEmpty()) {
      return chain.proceed(exchange);
    }
    long permitsWanted;
    if (cost.header().isPresent()) {
      List<String> stated = exchange.request().headers().all(cost.header().get());
      permitsWanted = stated.isEmpty() ? 1 : stated.size() > 1 ? INVALID_COST : parseCost(stated.get(0));
      if (permitsWanted == INVALID_COST) {
        // Two fields are refused too: the gateway would charge one while the upstream may act on the other.
        state.reject(Rejection.BAD_REQUEST);
        return CompletableFuture.completedFuture(state.problem(400, "Bad Request", cost.header().get() + ": '"
            + String.join("', '", stated) + "' (expected: one field, a whole number from 1 to " + cost.max() + ")"));
      }
    } else {
      permitsWanted = cost.permits();
    }
    List<Taken> taken = new ArrayList<>(applying.size());
    return take(applying, keys, 0, permitsWanted, taken).thenCompose(refused -> {
      taken.forEach(t -> report.add(item(t)));
      if (refused != null) {
        return CompletableFuture.completedFuture(refused.apply(state));
      }
      long waitNanos = 0;
      for (Taken t : taken) {
        waitNanos = Math.max(waitNanos, t.decision().fullAfterNanos() - t.limiter().burstNanos());
      }
      return waitNanos <= 0 ? chain.proceed(exchange) : later(waitNanos, exchange, chain);
    });
  }

  /**
   * Proceeds once a throttled request's turn has come, on the gateway's timer: no thread waits.
   * Closing the gateway runs the timer's tasks, so the request goes on then.
   */
  private CompletionStage<Response> later(long waitNanos, Exchange exchange, Chain chain) {
    CompletableFuture<Void> turn = new CompletableFuture<>();
    try {
      timer.schedule(Duration.ofNanos(waitNanos), () -> turn.complete(null));
    } catch (RejectedExecutionException e) {
      return chain.proceed(exchange); // the gateway is closing: nothing left to wait for
    }
    return turn.thenCompose(ignored -> chain.proceed(exchange));
  }

  /**
   * The stated cost, or {@link #INVALID_COST} if it is not a whole number from 1 to the maximum in
   * ASCII digits without a leading zero (a form every reader takes for the same number: no sign,
   * no octal, no other script's digits).
   */
  private long parseCost(String text) {
    String t = text.trim();
    if (t.isEmpty() || t.length() > maxCostDigits || t.charAt(0) == '0') {
      return INVALID_COST;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return INVALID_COST;
      }
    }
    long n = Long.parseLong(t);
    return n < 1 || n > cost.max() ? INVALID_COST : n;
  }

  /**
   * Takes a permit from each limit in turn; stops at the first that refuses, gives back what the
   * others took, and completes with the answer to send. Completes with null when all admitted.
   */
  private CompletionStage<Function<RequestState, Response>> take(List<KeyedLimiter> applying, List<String> keys, int index,
      long permitsWanted, List<Taken> taken) {
    if (index == applying.size()) {
      return CompletableFuture.completedFuture(null);
    }
    KeyedLimiter limiter = applying.get(index);
    String key = keys.get(index);
    return permits.acquire(limiter, key, permitsWanted).thenCompose(decision -> {
      if (decision != null && decision.allowed()) {
        taken.add(new Taken(limiter, key, decision));
        return take(applying, keys, index + 1, permitsWanted, taken);
      }
      for (Taken t : taken) {
        permits.release(t.limiter(), t.key(), permitsWanted);
      }
      if (decision == null) {
        return CompletableFuture.completedFuture(answering -> answering.problem(503, "Service Unavailable",
            "rate limits cannot be checked now"));
      }
      taken.add(new Taken(limiter, key, decision));
      return CompletableFuture.completedFuture(answering -> tooMany(answering, limiter.limit(), decision));
    });
  }

  /**
   * The limit's key for a request, or empty when it has none. A per-consumer limit counts anonymous
   * requests per client address instead (its documented meaning, so never keyless); the prefixes
   * keep a consumer id from sharing a budget with an address.
   */
  private Optional<String> keyOf(RateLimit limit, Exchange exchange, RequestState state) {
    String value = requestKeys.valueOf(limit.key(), exchange, state);
    if (limit.key().kind() == RequestKey.Kind.CONSUMER) {
      return Optional.of(value != null ? "consumer:" + value : "ip:" + state.clientAddress());
    }
    return Optional.ofNullable(value);
  }

  private static Response keyless(RequestState state, RateLimit limit) {
    RequestKey key = limit.key();
    String what = switch (key.kind()) {
      case HEADER -> "the header " + key.name().orElseThrow() + ", which the request lacks";
      case COOKIE -> "the cookie " + key.name().orElseThrow() + ", which the request lacks";
      case QUERY_PARAMETER -> "the query parameter " + key.name().orElseThrow() + ", which the request lacks";
      default -> "a key this request does not have";
    };
    state.reject(Rejection.BAD_REQUEST);
    return state.problem(400, "Bad Request", "rate limit '" + limit.name() + "' counts requests by " + what);
  }

  private static Response tooMany(RequestState state, RateLimit limit, Decision decision) {
    state.reject(Rejection.RATE_LIMITED);
    Response problem = state.problem(429, "Too Many Requests",
        "rate limit '" + limit.name() + "' (" + limit.requests() + " per " + limit.window() + ") is used up");
    return problem.toBuilder().headers(problem.headers().toBuilder()
        .set("Retry-After", Long.toString(LimitReport.ceilSeconds(decision.retryAfterNanos()))).build()).build();
  }

  private static LimitReport.Item item(Taken t) {
    RateLimit limit = t.limiter().limit();
    return new LimitReport.Item(limit.name(), limit.requests(), LimitReport.ceilSeconds(limit.window().toNanos()),
        remaining(t), LimitReport.ceilSeconds(t.decision().fullAfterNanos()));
  }

  /** Permits left without waiting: a throttling limit's reservations beyond its burst count as none. */
  private static long remaining(Taken t) {
    long used = t.decision().fullAfterNanos();
    return Math.max(0, (t.limiter().burstNanos() - used) / t.limiter().intervalNanos());
  }

  @Override
  public String toString() {
    return role + " stage of route '" + routeId + "'";
  }
}
