package io.gatehouse.impl.chain;

import io.gatehouse.TimeSource;
import io.gatehouse.auth.Principal;
import io.gatehouse.filter.AttributeKey;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.problem.Problems;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The exchange filters see: a request over the request's {@link RequestState}; derived copies share it. */
public final class ExchangeImpl implements Exchange {
  private final Request request;
  private final RequestState state;

  /**
   * An exchange.
   *
   * @param request the request as the chain's first stage sees it
   * @param state the request's state
   */
  public ExchangeImpl(Request request, RequestState state) {
    this.request = request;
    this.state = state;
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public Exchange withRequest(Request request) {
    return new ExchangeImpl(Objects.requireNonNull(request, "request"), state);
  }

  @Override
  public String requestId() {
    return state.requestId();
  }

  @Override
  public String routeId() {
    return state.routeId().orElseThrow();
  }

  @Override
  public Map<String, String> pathVariables() {
    return state.pathVariables();
  }

  @Override
  public String clientAddress() {
    return state.clientAddress();
  }

  @Override
  public TimeSource time() {
    return state.time();
  }

  @Override
  public <T> Optional<T> attribute(AttributeKey<T> key) {
    return Optional.ofNullable(state.attribute(Objects.requireNonNull(key, "key")));
  }

  @Override
  public <T> void attribute(AttributeKey<T> key, T value) {
    state.attribute(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
  }

  @Override
  public Optional<Principal> principal() {
    return state.principal();
  }

  @Override
  public Response problem(int status, String title, String detail) {
    return Problems.response(status, Objects.requireNonNull(title, "title"),
        Objects.requireNonNull(detail, "detail"), state.requestId());
  }

  @Override
  public String toString() {
    return "Exchange[" + state.requestId() + ", route " + state.routeId().orElse("(none)") + ", " + request + "]";
  }
}
