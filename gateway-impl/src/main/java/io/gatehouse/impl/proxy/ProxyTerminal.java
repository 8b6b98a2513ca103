package io.gatehouse.impl.proxy;

import io.gatehouse.TimeSource;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.HeaderChanges;
import io.gatehouse.impl.chain.RequestKeys;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Terminal;
import io.gatehouse.impl.ingress.BodyLimit;
import io.gatehouse.impl.ingress.HopByHop;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.problem.RequestIds;
import io.gatehouse.impl.problem.RetryAfter;
import io.gatehouse.impl.resilience.Breaker;
import io.gatehouse.impl.resilience.CallOutcome;
import io.gatehouse.impl.routing.InvalidPathException;
import io.gatehouse.impl.websocket.WebSocketProxy;
import io.gatehouse.observe.Rejection;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.route.HeaderOperation;
import io.gatehouse.spi.UpstreamTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Sends the exchange upstream: transforms the path, completes the headers (framing headers removed,
 * forwarding headers and request id set, route changes applied; hop-by-hop headers were removed at
 * ingress, before any stage could add its own), then runs the proxy
 * stages in the order the {@code Gateway} Javadoc gives: the route's circuit breaker (or its
 * fallback), the traffic split, the mirror copy, and the {@link UpstreamAttempts}.
 */
public final class ProxyTerminal implements Terminal {
  private static final byte[] NO_BODY = new byte[0];

  /** Everything a route's proxying needs, resolved at build(). */
  record Plan(
      String routeId,
      PathTransform pathTransform,
      List<HeaderOperation> requestHeaders,
      List<HeaderOperation> responseHeaders,
      ForwardedHeaders forwarded,
      UpstreamTransport transport,
      RequestKeys keys,
      Optional<Destination> destination,
      Optional<TrafficSplitter> splitter,
      Optional<RetryRules> retry,
      Optional<Duration> timeout,
      Optional<Breaker> breaker,
      Optional<Response> fallbackResponse,
      Optional<Destination> fallback,
      Optional<RequestMirror> mirror,
      Optional<TimeSource.Scheduler> scheduler,
      ExchangeDeadline exchangeDeadline,
      Optional<WebSocketProxy> webSocket) {

    /** The deadline of the attempts, up to the response head: the route's timeout or the exchange's total, the shorter. */
    Optional<Duration> headTimeout() {
      Optional<Duration> total = exchangeDeadline.total();
      if (timeout.isEmpty()) {
        return total;
      }
      return total.isEmpty() || timeout.get().compareTo(total.get()) <= 0 ? timeout : total;
    }
  }

  private final Plan plan;

  public ProxyTerminal(Plan plan) {
    this.plan = plan;
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state) {
    Request in = exchange.request();
    String path;
    try {
      path = plan.pathTransform().apply(in.path(), state.pathVariables());
    } catch (InvalidPathException e) {
      state.reject(Rejection.BAD_REQUEST);
      return CompletableFuture.completedFuture(
          state.problem(400, "Bad Request", "the path is not valid after rewriting: " + e.reason()));
    }
    Request.Builder upstreamRequest = in.toBuilder().headers(upstreamHeaders(in, state));
    if (plan.webSocket().isPresent() && plan.webSocket().get().offered(state)) {
      return webSocket(exchange, state, plan.webSocket().get(), in, upstreamRequest.build(), path);
    }
    // A plain request, even where the client's connection could switch: Upgrade was removed at ingress.
    Request template = upstreamRequest.noTunnel().build();
    Breaker breaker = plan.breaker().orElse(null);
    if (breaker != null && !breaker.tryAcquire()) {
      return fallback(in, state, template, path);
    }
    Destination destination = plan.splitter().map(s -> s.pick(exchange, state)).orElseGet(() -> plan.destination().orElseThrow());
    boolean mirrored = plan.mirror().filter(RequestMirror::sampled).isPresent();
    long started = state.time().nanoTime();
    return replayableBody(in, mirrored)
        .handle((body, unreadable) -> {
          OptionalLong cap = unreadable == null ? OptionalLong.empty() : BodyLimit.exceededCap(unreadable);
          if (cap.isPresent()) {
            state.reject(Rejection.TOO_LARGE);
            return CompletableFuture.completedFuture(new UpstreamAttempts.Result(
                BodyLimit.tooLarge(cap.getAsLong(), state.requestId()), CallOutcome.CANCELLED, 0));
          }
          if (unreadable != null) {
            state.reject(Rejection.BAD_REQUEST);
            return CompletableFuture.completedFuture(new UpstreamAttempts.Result(
                state.problem(400, "Bad Request", "the request body could not be read"), CallOutcome.CANCELLED, 0));
          }
          if (mirrored && body.isPresent() && body.get().length <= plan.mirror().get().maxBody()) {
            plan.mirror().get().send(template, path, body.get(), state.requestId());
          }
          return attempts(exchange, state, destination, template, path, body.orElse(null), started).start();
        })
        .thenCompose(result -> result)
        .thenApply(result -> {
          if (breaker != null) {
            breaker.record(result.outcome(), result.status(), state.time().nanoTime() - started);
          }
          return limited(state, decorate(result), result.status(), started);
        });
  }

  /**
   * A WebSocket upgrade that passed the route's chain: checked, then sent once (no retry, no
   * mirror copy) through the breaker and the attempts; the upstream's 101 is checked before the
   * session starts. The exchange deadline does not bound the session (its idle timeout does).
   */
  private CompletionStage<Response> webSocket(Exchange exchange, RequestState state, WebSocketProxy ws, Request in,
      Request template, String path) {
    Optional<Response> refused = ws.refusal(in, state);
    if (refused.isPresent()) {
      if (in.tunnel().isPresent()) {
        // The client's bytes after a switch are not wanted: it closes the adapter's side.
        WebSocketProxy.discard(in.tunnel().get());
      }
      return CompletableFuture.completedFuture(refused.get());
    }
    Breaker breaker = plan.breaker().orElse(null);
    if (breaker != null && !breaker.tryAcquire()) {
      return fallback(in, state, template.toBuilder().noTunnel().build(), path);
    }
    WebSocketProxy.Opening opening = ws.open(template, state);
    Destination destination = plan.splitter().map(s -> s.pick(exchange, state)).orElseGet(() -> plan.destination().orElseThrow());
    long started = state.time().nanoTime();
    CompletionStage<UpstreamAttempts.Result> attempts;
    try {
      attempts = attempts(exchange, state, destination, opening.upstreamRequest(), path, null, started).start();
    } catch (RuntimeException e) {
      opening.abandon();
      throw e;
    }
    return attempts.handle((result, failure) -> {
      if (failure != null) {
        opening.abandon();
        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
      }
      if (breaker != null) {
        breaker.record(result.outcome(), result.status(), state.time().nanoTime() - started);
      }
      return opening.answer(result.response(), decorate(result), result.status());
    });
  }

  /** A proxied response whose body streams, held to the route's {@link ExchangeDeadline}. */
  private Response limited(RequestState state, Response response, int status, long started) {
    if (status == 0 || !plan.exchangeDeadline().limits() || response.body().isEmpty()
        || response.body().inMemory().isPresent() || plan.scheduler().isEmpty()) {
      return response;
    }
    return response.toBuilder().body(BodyDeadline.wrap(response.body(), plan.exchangeDeadline(), started,
        state.time(), plan.scheduler().get(), "route '" + plan.routeId() + "' request " + state.requestId(),
        () -> state.reject(Rejection.UPSTREAM_FAILED))).build();
  }

  private UpstreamAttempts attempts(Exchange exchange, RequestState state, Destination destination, Request template, String path,
      byte[] body,
      long started) {
    RetryRules retry = plan.retry().orElse(null);
    if (retry != null) {
      retry.onRequest();
      if (body == null || body.length > retry.spec.maxBufferedBody() || !retry.allows(template)) {
        retry = null;
      }
    }
    String key = destination.pool().spec().hashKey().map(k -> plan.keys().valueOf(k, exchange, state)).orElse(null);
    long deadline = plan.headTimeout().map(t -> started + t.toNanos()).orElse(Long.MAX_VALUE);
    return new UpstreamAttempts(plan.routeId(), state, destination, template, path, body, key, plan.transport(),
        retry, deadline, plan.scheduler().orElse(null));
  }

  /**
   * The request body's bytes when a retry or the mirror may need them and they can be kept (known
   * length within the cap); empty when the body streams through once.
   */
  private CompletionStage<Optional<byte[]>> replayableBody(Request in, boolean mirrored) {
    Body body = in.body();
    if (body.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.of(NO_BODY));
    }
    Optional<byte[]> inMemory = body.inMemory();
    if (inMemory.isPresent()) {
      return CompletableFuture.completedFuture(inMemory);
    }
    long cap = Math.max(
        plan.retry().filter(r -> r.allows(in)).map(r -> r.spec.maxBufferedBody()).orElse(-1L),
        mirrored ? plan.mirror().get().maxBody() : -1L);
    long length = body.contentLength().orElse(-1);
    if (length < 0 || length > cap) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return body.bytes(cap).thenApply(Optional::of);
  }

  private CompletionStage<Response> fallback(Request in, RequestState state, Request template, String path) {
    state.reject(Rejection.CIRCUIT_OPEN);
    if (plan.fallbackResponse().isPresent()) {
      return CompletableFuture.completedFuture(plan.fallbackResponse().get());
    }
    if (plan.fallback().isPresent()) {
      Destination destination = plan.fallback().get();
      long started = state.time().nanoTime();
      long deadline = plan.headTimeout().map(t -> started + t.toNanos()).orElse(Long.MAX_VALUE);
      return new UpstreamAttempts(plan.routeId(), state, destination, template, path, null, null, plan.transport(),
          null, deadline, plan.scheduler().orElse(null)).start()
          .thenApply(result -> limited(state, decorate(result), result.status(), started));
    }
    return CompletableFuture.completedFuture(RetryAfter.on(state.problem(503, "Service Unavailable",
        "route '" + plan.routeId() + "' has its circuit open after upstream failures; try again later"),
        plan.breaker().orElseThrow().untilHalfOpen()));
  }

  /** An upstream's response with hop-by-hop headers removed and the route's changes applied; problems as they are. */
  private Response decorate(UpstreamAttempts.Result result) {
    if (result.status() == 0) {
      return result.response();
    }
    return HeaderChanges.apply(plan.responseHeaders(), stripHopByHop(result.response()));
  }

  private HttpHeaders upstreamHeaders(Request in, RequestState state) {
    String requestId = state.requestId();
    HttpHeaders.Builder headers = in.headers().toBuilder();
    headers.remove("Host").remove("Content-Length").remove("Expect");
    plan.forwarded().apply(in, headers);
    headers.set(RequestIds.HEADER, requestId);
    // The request span's context, for the mirror copy; each attempt sets its own.
    state.trace().inject(headers::set);
    plan.requestHeaders().forEach(op -> op.applyTo(headers));
    return headers.build();
  }

  private static Response stripHopByHop(Response response) {
    if (!HopByHop.present(response.headers())) {
      return response;
    }
    HttpHeaders clean = HopByHop.strip(response.headers(), response.headers().toBuilder()).build();
    return response.toBuilder().headers(clean).build();
  }

  /**
   * The proxying steps in the order they run: the route's circuit breaker, the mirror, the
   * deadline and retries of the attempts, and where the attempts go.
   */
  @Override
  public List<String> stages() {
    List<String> stages = new ArrayList<>();
    plan.breaker().ifPresent(breaker -> stages.add("circuit breaker of route '" + plan.routeId() + "'"
        + plan.fallbackResponse().map(r -> " (fallback: static response " + r.status() + ")")
            .or(() -> plan.fallback().map(d -> " (fallback: " + d.describe() + ")")).orElse("")));
    plan.mirror().ifPresent(mirror -> stages.add(mirror.toString()));
    plan.timeout().ifPresent(timeout -> stages.add("timeout " + timeout + " (all attempts)"));
    plan.exchangeDeadline().total().ifPresent(total -> stages.add("exchange deadline " + total + " (head and body)"));
    if (plan.exchangeDeadline().minBytesPerSecond() > 0) {
      stages.add("response body at least " + plan.exchangeDeadline().minBytesPerSecond() + " B/s after "
          + plan.exchangeDeadline().grace());
    }
    plan.retry().ifPresent(retry -> stages.add("retry (at most " + retry.spec.maxRetries() + " retries)"));
    plan.webSocket().ifPresent(ws -> stages.add(ws.toString()));
    stages.add(plan.splitter().map(TrafficSplitter::toString)
        .orElseGet(() -> plan.destination().map(Destination::describe).orElse("upstream (none)")));
    return stages;
  }

  @Override
  public String toString() {
    return String.join(" -> ", stages());
  }
}
