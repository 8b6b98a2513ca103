package io.gatehouse.impl.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.adapter.ProblemResponse;
import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.ingress.BodyLimit;
import io.gatehouse.impl.problem.Problems;
import io.gatehouse.observe.Rejection;
import io.gatehouse.validation.RequestValidation;
import io.gatehouse.validation.RequestValidator;
import io.gatehouse.validation.ValidationResult;
import io.gatehouse.validation.Violation;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A route's request validation: the head first (a refusal other than 400, such as 415, is answered
 * before any body byte is read), then the body, read whole up to the cap (a declared length past
 * it is refused unread with 413; a chunked body fails at the first byte past it, 413 too, and the
 * rest is not read), then one 400 problem listing the violations of both phases. A valid request
 * goes on with the bytes read replayed as an in-memory body: the upstream receives exactly what
 * the client sent. The problem lists at most {@link #MAX_LISTED} violations, each name and reason
 * cut to {@link #MAX_TEXT} characters, so a hostile body cannot make the answer large.
 */
final class ValidationStage implements Stage {
  /** The most violations a problem lists. */
  static final int MAX_LISTED = 100;
  /** The most characters of a violation's name or reason in a problem. */
  static final int MAX_TEXT = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String routeId;
  private final RequestValidator validator;
  private final long cap;

  ValidationStage(String routeId, RequestValidation validation) {
    this.routeId = routeId;
    this.validator = validation.validator();
    this.cap = validation.maxBodyBytes();
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain next) {
    ValidationResult head = validator.validateHead(exchange);
    if (!head.isValid() && head.status() != 400) {
      return refuse(state, head);
    }
    if (!validator.readsBody(exchange)) {
      return head.isValid() ? next.proceed(exchange) : refuse(state, head);
    }
    Request request = exchange.request();
    OptionalLong declared = request.body().contentLength();
    if (declared.isPresent() && declared.getAsLong() > cap) {
      state.reject(Rejection.TOO_LARGE);
      return CompletableFuture.completedFuture(BodyLimit.tooLarge(cap, state.requestId()));
    }
    return request.body().bytes(cap).handle((bytes, failure) -> {
      if (failure != null) {
        OptionalLong passed = BodyLimit.exceededCap(failure);
        if (passed.isPresent()) {
          state.reject(Rejection.TOO_LARGE);
          return CompletableFuture.completedFuture(BodyLimit.tooLarge(passed.getAsLong(), state.requestId()));
        }
        return CompletableFuture.<Response>failedFuture(failure);
      }
      ValidationResult all = head.and(validator.validateBody(exchange, ByteBuffer.wrap(bytes).asReadOnlyBuffer()));
      if (!all.isValid()) {
        return refuse(state, all);
      }
      Body replay = bytes.length == 0 ? Body.empty() : Body.of(bytes);
      return next.proceed(exchange.withRequest(request.toBuilder().body(replay).build()));
    }).thenCompose(stage -> stage);
  }

  private static CompletionStage<Response> refuse(RequestState state, ValidationResult result) {
    state.reject(Rejection.BAD_REQUEST);
    return CompletableFuture.completedFuture(problem(result, state.requestId()));
  }

  /**
   * The problem for a refused request: RFC 9457 with an {@code errors} extension, one entry per
   * violation: {@code in}, {@code pointer} (body) or {@code name} (parameters), {@code detail}.
   */
  static Response problem(ValidationResult result, String requestId) {
    int status = result.status();
    List<Violation> violations = result.violations();
    String detail = result.detail();
    if (violations.size() > MAX_LISTED) {
      detail += " (" + violations.size() + " violations; the first " + MAX_LISTED + " are listed)";
    }
    Response base = Problems.response(status, ProblemResponse.title(status), detail, requestId);
    try {
      ObjectNode body = (ObjectNode) JSON.readTree(base.body().inMemory().orElseThrow());
      ArrayNode errors = body.putArray("errors");
      for (Violation v : violations.subList(0, Math.min(MAX_LISTED, violations.size()))) {
        ObjectNode error = errors.addObject();
        error.put("in", v.in().name().toLowerCase(Locale.ROOT));
        error.put(v.in() == Violation.Location.BODY ? "pointer" : "name", cut(v.name()));
        error.put("detail", cut(v.reason()));
      }
      return base.toBuilder().body(Body.of(JSON.writeValueAsBytes(body))).build();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the gateway's own problem did not parse", e);
    }
  }

  private static String cut(String text) {
    if (text.length() <= MAX_TEXT) {
      return text;
    }
    int end = MAX_TEXT;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }

  @Override
  public String toString() {
    return "validation stage of route '" + routeId + "'";
  }
}
