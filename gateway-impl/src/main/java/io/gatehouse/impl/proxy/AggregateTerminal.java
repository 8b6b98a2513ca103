package io.gatehouse.impl.proxy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.gatehouse.TimeSource;
import io.gatehouse.aggregate.Backend;
import io.gatehouse.aggregate.Merger;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.aggregate.Answers;
import io.gatehouse.impl.aggregate.BadAnswerException;
import io.gatehouse.impl.aggregate.FieldFilter;
import io.gatehouse.impl.aggregate.JsonAnswerReader;
import io.gatehouse.impl.aggregate.Template;
import io.gatehouse.impl.chain.HeaderChanges;
import io.gatehouse.impl.chain.RequestKeys;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Terminal;
import io.gatehouse.impl.problem.RequestIds;
import io.gatehouse.impl.problem.RetryAfter;
import io.gatehouse.impl.resilience.Breaker;
import io.gatehouse.impl.resilience.CallOutcome;
import io.gatehouse.observe.Rejection;
import io.gatehouse.route.HeaderOperation;
import io.gatehouse.spi.UpstreamTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an aggregating route: calls its backends, the backends of a step in parallel and the
 * steps one after another, each call as {@link UpstreamAttempts} to the backend's own
 * {@link Destination} (so balancing, health, outlier ejection, spans and the request's record work
 * as for a proxied call) within its own deadline (its timeout, cut to the route's); reads each
 * 2xx JSON answer as it streams ({@link JsonAnswerReader}, capped), filters it, and merges the
 * answers into one {@code application/json} response. A required backend's failure ends the request
 * at once with a problem naming the backend and cancels the calls still running; an optional
 * backend's failure makes its value {@code null} and the response partial. A client that leaves
 * cancels every call in flight.
 */
public final class AggregateTerminal implements Terminal {
  private static final Logger log = LoggerFactory.getLogger(AggregateTerminal.class);
  /** Tells the client whether every backend answered. */
  static final String COMPLETED = "Gatehouse-Completed";
  /** Lists the keys of the optional backends that failed. */
  static final String MISSING = "Gatehouse-Missing";
  /** The client headers every backend gets: they say how to answer, not who asks. */
  private static final List<String> DEFAULT_FORWARDED = List.of("Accept-Language", "User-Agent");
  private static final byte[] NO_BODY = new byte[0];
  private static final long DRAIN_LIMIT = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The backend statuses a required backend's failure passes on: they say something about the
   * resource the client asked for and need no header the gateway cannot give (a 401 needs the
   * backend's challenge, a 405 its Allow: those, like every other status, become 502).
   */
  private static final java.util.Set<Integer> PASSED_ON = java.util.Set.of(400, 403, 404, 409, 410, 422, 429);

  /** One backend, resolved at build(). */
  record Call(Backend spec, Destination destination, Template path, Map<String, Template> headers,
      Map<String, Bound> bindings, FieldFilter filter, Optional<RetryRules> retry, Optional<Breaker> breaker) {}

  /** A bound variable: the backend whose answer holds it, and where. */
  record Bound(String backend, JsonPointer pointer) {}

  /** Everything an aggregating route needs, resolved at build(). */
  record Plan(String routeId, List<List<Call>> steps, Merger merger, Optional<Duration> timeout,
      List<HeaderOperation> requestHeaders, List<HeaderOperation> responseHeaders, List<String> identityHeaders,
      ForwardedHeaders forwarded, UpstreamTransport transport, RequestKeys keys, TimeSource.Scheduler scheduler) {}

  private final Plan plan;

  AggregateTerminal(Plan plan) {
    this.plan = plan;
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state) {
    Run run = new Run(exchange, state);
    state.onCancel(run::clientLeft);
    run.step(0);
    return run.result;
  }

  /** One request's aggregation. */
  private final class Run {
    final Exchange exchange;
    final RequestState state;
    final long deadline;
    final HttpHeaders common;
    final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
    final Map<String, Boolean> missing = new ConcurrentHashMap<>();
    final CompletableFuture<Response> result = new CompletableFuture<>();
    final List<Flight> flights = new ArrayList<>(); // guarded by this

    Run(Exchange exchange, RequestState state) {
      this.exchange = exchange;
      this.state = state;
      long now = state.time().nanoTime();
      this.deadline = plan.timeout().map(t -> now + t.toNanos()).orElse(Long.MAX_VALUE);
      this.common = commonHeaders(exchange.request(), state);
    }

    void step(int index) {
      if (result.isDone()) {
        return;
      }
      if (index == plan.steps().size()) {
        finish();
        return;
      }
      List<Call> step = plan.steps().get(index);
      CompletableFuture<?>[] done = new CompletableFuture<?>[step.size()];
      for (int i = 0; i < step.size(); i++) {
        Flight flight = new Flight(this, step.get(i));
        synchronized (this) {
          flights.add(flight);
        }
        done[i] = flight.done;
        flight.start();
      }
      CompletableFuture.allOf(done).whenComplete((ignored, failure) -> step(index + 1));
    }

    /** A backend failed: a required one ends the request, an optional one leaves its value null. */
    void failed(Call call, int status, String detail, Optional<String> retryAfter) {
      String key = call.spec().key();
      if (call.spec().required()) {
        log.debug("route '{}' request {}: required backend '{}' failed: {}", plan.routeId(), state.requestId(), key, detail);
        state.reject(Rejection.UPSTREAM_FAILED);
        Response problem = state.problem(status, title(status),
            "backend '" + key + "' of route '" + plan.routeId() + "' " + detail);
        if (retryAfter.isPresent() && HttpHeaders.isValidValue(retryAfter.get())) {
          problem = problem.toBuilder().header(RetryAfter.HEADER, retryAfter.get()).build();
        }
        if (result.complete(problem)) {
          cancelAll();
        }
      } else {
        log.debug("route '{}' request {}: optional backend '{}' failed: {}", plan.routeId(), state.requestId(), key, detail);
        missing.put(key, Boolean.TRUE);
        answers.put(key, NullNode.getInstance());
      }
    }

    /** Stops every call in flight. */
    void cancelAll() {
      List<Flight> all;
      synchronized (this) {
        all = List.copyOf(flights);
      }
      all.forEach(Flight::cancel);
    }

    /** The client went away: every call stops, and nobody reads the answer (completed, as a proxied call's is, so nothing logs a failure). */
    void clientLeft() {
      cancelAll();
      result.complete(state.problem(502, "Bad Gateway", "the request was cancelled"));
    }

    private void finish() {
      Map<String, JsonNode> ordered = new LinkedHashMap<>();
      List<String> absent = new ArrayList<>();
      for (List<Call> step : plan.steps()) {
        for (Call call : step) {
          String key = call.spec().key();
          ordered.put(key, answers.getOrDefault(key, NullNode.getInstance()));
          if (missing.containsKey(key)) {
            absent.add(key);
          }
        }
      }
      byte[] body;
      try {
        body = Answers.merged(ordered, plan.merger());
      } catch (RuntimeException e) {
        log.error("route '{}' request {}: the aggregation's merger failed", plan.routeId(), state.requestId(), e);
        result.complete(state.problem(500, "Internal Server Error", "route '" + plan.routeId()
            + "' could not merge its backends' answers; see the gateway log for request " + state.requestId()));
        return;
      }
      state.answered(); // an optional backend's failure is in the headers, not a rejection of the request
      Response.Builder response = Response.builder(200)
          .header("Content-Type", "application/json")
          .header(COMPLETED, absent.isEmpty() ? "true" : "false");
      if (!absent.isEmpty()) {
        response.header(MISSING, String.join(", ", absent));
      }
      result.complete(HeaderChanges.apply(plan.responseHeaders(), response.body(Body.of(body)).build()));
    }
  }

  /** One backend's call in one request: the attempts, then the answer's body. */
  private final class Flight {
    final Run run;
    final Call call;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private UpstreamAttempts attempts; // guarded by this
    private JsonAnswerReader reader; // guarded by this
    private TimeSource.Scheduled bodyTimer; // guarded by this
    private boolean cancelled; // guarded by this
    private volatile boolean timedOut;

    Flight(Run run, Call call) {
      this.run = run;
      this.call = call;
    }

    void start() {
      try {
        send();
      } catch (RuntimeException e) {
        log.error("route '{}' request {}: backend '{}' could not be called", plan.routeId(), run.state.requestId(),
            call.spec().key(), e);
        fail(502, "could not be called");
      }
    }

    private void send() {
      Map<String, String> values = new HashMap<>(run.state.pathVariables());
      for (Map.Entry<String, Bound> b : call.bindings().entrySet()) {
        JsonNode answer = run.answers.get(b.getValue().backend());
        Optional<String> value = answer == null || run.missing.containsKey(b.getValue().backend()) ? Optional.empty()
            : Answers.scalarAt(answer, b.getValue().pointer());
        if (value.isEmpty()) {
          fail(502, "needs a string, number or boolean at " + b.getValue().pointer() + " of backend '"
              + b.getValue().backend() + "''s answer, which has none");
          return;
        }
        values.put(b.getKey(), value.get());
      }
      String target;
      Map<String, String> own = new LinkedHashMap<>();
      try {
        target = call.path().expand(values);
        for (Map.Entry<String, Template> h : call.headers().entrySet()) {
          own.put(h.getKey(), h.getValue().expand(values));
        }
      } catch (IllegalArgumentException e) {
        fail(502, "cannot be called: " + e.getMessage());
        return;
      }
      Request in = run.exchange.request();
      HttpHeaders.Builder headers = run.common.toBuilder();
      for (String name : call.spec().forwardHeaders()) {
        headers.remove(name);
        in.headers().all(name).forEach(v -> headers.add(name, v));
      }
      own.forEach(headers::set);
      Breaker breaker = call.breaker().orElse(null);
      if (breaker != null && !breaker.tryAcquire()) {
        fail(503, "has its circuit open after failures; try again later");
        return;
      }
      int query = target.indexOf('?');
      Request.Builder out = in.toBuilder().method("GET").headers(headers.build()).body(Body.empty())
          .path(query < 0 ? target : target.substring(0, query));
      if (query < 0) {
        out.noQuery();
      } else {
        out.rawQuery(target.substring(query + 1));
      }
      long started = run.state.time().nanoTime();
      long deadline = call.spec().timeout().map(t -> Math.min(run.deadline, started + t.toNanos())).orElse(run.deadline);
      RetryRules retry = call.retry().orElse(null);
      if (retry != null) {
        retry.onRequest();
      }
      String key = call.destination().pool().spec().hashKey()
          .map(k -> plan.keys().valueOf(k, run.exchange, run.state)).orElse(null);
      Request template = out.build();
      UpstreamAttempts calls = new UpstreamAttempts(plan.routeId(), run.state, call.destination(), template,
          template.path(), NO_BODY, key, plan.transport(), retry, deadline, plan.scheduler());
      boolean cancelledAlready;
      synchronized (this) {
        attempts = calls;
        cancelledAlready = cancelled;
      }
      if (cancelledAlready) {
        done.complete(null);
        return;
      }
      calls.start().whenComplete((result, failure) -> {
        if (breaker != null) {
          breaker.record(result == null ? CallOutcome.CANCELLED : result.outcome(),
              result == null ? 0 : result.status(), run.state.time().nanoTime() - started);
        }
        if (failure != null) {
          fail(502, "failed");
        } else {
          answered(result, deadline);
        }
      });
    }

    private void answered(UpstreamAttempts.Result result, long deadline) {
      Response response = result.response();
      int status = result.status();
      if (status == 0) { // the gateway's own problem: no target, a failure, the deadline
        int problem = response.status();
        fail(problem, problem == 504 ? "did not answer within " + timeoutText() : detailOf(response));
        return;
      }
      if (status < 200 || status > 299) {
        response.body().bytes(DRAIN_LIMIT); // read and dropped, so the connection can be reused
        if (PASSED_ON.contains(status)) {
          run.failed(call, status, "answered " + status, response.headers().first(RetryAfter.HEADER));
          done.complete(null);
        } else {
          fail(502, "answered " + status);
        }
        return;
      }
      if (status == 204 || response.body().isEmpty()) {
        succeeded(NullNode.getInstance());
        return;
      }
      Optional<String> type = response.headers().first("Content-Type");
      if (type.isPresent() && !isJson(type.get())) {
        response.body().bytes(DRAIN_LIMIT);
        fail(502, "answered with Content-Type " + type.get() + " (expected: application/json or +json)");
        return;
      }
      JsonAnswerReader body = new JsonAnswerReader(call.spec().maxBodyBytes());
      boolean cancelledAlready;
      synchronized (this) {
        reader = body;
        cancelledAlready = cancelled;
        long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - run.state.time().nanoTime();
        if (!cancelledAlready && left != Long.MAX_VALUE) {
          bodyTimer = plan.scheduler().schedule(Duration.ofNanos(Math.max(left, 1)), this::bodyTimedOut);
        }
      }
      body.result().whenComplete((tree, failure) -> {
        TimeSource.Scheduled timer;
        synchronized (this) {
          timer = bodyTimer;
        }
        if (timer != null) {
          timer.cancel();
        }
        if (failure == null) {
          succeeded(call.filter().keepsAll() ? tree : call.filter().apply(tree));
        } else if (failure instanceof BadAnswerException bad) {
          fail(502, "answered with a body that " + bad.getMessage());
        } else if (timedOut) {
          fail(504, "did not send its answer within " + timeoutText());
        } else if (failure instanceof CancellationException) {
          done.complete(null);
        } else {
          fail(502, "answered with a body that was cut short");
        }
      });
      response.body().subscribe(body);
      if (cancelledAlready) {
        body.cancel();
      }
    }

    private void bodyTimedOut() {
      timedOut = true;
      JsonAnswerReader r;
      synchronized (this) {
        r = reader;
      }
      r.cancel();
    }

    private String timeoutText() {
      return call.spec().timeout().map(t -> "its timeout (" + t + ")")
          .orElseGet(() -> "the route's timeout" + plan.timeout().map(t -> " (" + t + ")").orElse(""));
    }

    private void succeeded(JsonNode answer) {
      run.answers.put(call.spec().key(), answer);
      done.complete(null);
    }

    private void fail(int status, String detail) {
      run.failed(call, status, detail, Optional.empty());
      done.complete(null);
    }

    void cancel() {
      UpstreamAttempts a;
      JsonAnswerReader r;
      synchronized (this) {
        cancelled = true;
        a = attempts;
        r = reader;
      }
      if (a != null) {
        a.cancel();
      }
      if (r != null) {
        r.cancel();
      }
    }
  }

  /** The headers every backend gets (see {@link Backend}). */
  private HttpHeaders commonHeaders(Request in, RequestState state) {
    HttpHeaders.Builder headers = HttpHeaders.builder();
    headers.set("Accept", "application/json");
    for (String name : DEFAULT_FORWARDED) {
      in.headers().all(name).forEach(v -> headers.add(name, v));
    }
    for (String name : plan.identityHeaders()) {
      in.headers().all(name).forEach(v -> headers.add(name, v));
    }
    plan.forwarded().apply(in, headers);
    headers.set(RequestIds.HEADER, state.requestId());
    plan.requestHeaders().forEach(op -> op.applyTo(headers));
    return headers.build();
  }

  private static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }

  /** The detail of a problem the attempts made, to quote. */
  private static String detailOf(Response problem) {
    try {
      byte[] bytes = problem.body().inMemory().orElse(NO_BODY);
      String detail = JSON.readTree(new String(bytes, StandardCharsets.UTF_8)).path("detail").asText("");
      return detail.isEmpty() ? "failed" : "failed: " + detail;
    } catch (Exception e) {
      return "failed";
    }
  }

  /** The problem title of each status a failure can end with: those passed on, and the gateway's own. */
  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Bad Gateway";
    };
  }

  /** The steps, each backend with where it goes, for a route explanation. */
  @Override
  public List<String> stages() {
    List<String> stages = new ArrayList<>();
    plan.timeout().ifPresent(t -> stages.add("timeout " + t + " (whole aggregation)"));
    for (int i = 0; i < plan.steps().size(); i++) {
      List<String> backends = new ArrayList<>();
      for (Call call : plan.steps().get(i)) {
        backends.add("'" + call.spec().key() + "'" + (call.spec().required() ? "" : " (optional)") + " GET "
            + call.spec().path() + " -> " + call.destination().describe());
      }
      stages.add("aggregate step " + (i + 1) + ": " + String.join(", ", backends));
    }
    stages.add("merge " + (plan.merger() == Merger.byKey() ? "by key" : plan.merger() == Merger.deepMerge()
        ? "deep" : "with " + plan.merger().getClass().getName()));
    return stages;
  }

  @Override
  public String toString() {
    return String.join(" -> ", stages());
  }
}
