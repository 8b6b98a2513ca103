package io.gatehouse.impl.chain;

import io.gatehouse.TimeSource;
import io.gatehouse.auth.Principal;
import io.gatehouse.filter.AttributeKey;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthRuntime;
import io.gatehouse.impl.problem.Problems;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A request plus its shared {@link ExchangeContext}; derived copies share the context. */
public final class ExchangeImpl implements Exchange {
  private final Request request;
  private final ExchangeContext context;

  public ExchangeImpl(Request request, ExchangeContext context) {
    this.request = request;
    this.context = context;
  }

  ExchangeContext context() {
    return context;
  }

  public static ExchangeContext contextOf(Exchange exchange) {
    if (exchange instanceof ExchangeImpl impl) {
      return impl.context;
    }
    throw new IllegalArgumentException(
        "exchange: " + exchange.getClass().getName()
            + " (expected: the exchange a filter received, or one derived with withRequest)");
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public Exchange withRequest(Request request) {
    return new ExchangeImpl(Objects.requireNonNull(request, "request"), context);
  }

  @Override
  public String requestId() {
    return context.requestId;
  }

  @Override
  public String routeId() {
    return context.routeId;
  }

  @Override
  public Map<String, String> pathVariables() {
    return context.pathVariables;
  }

  @Override
  public TimeSource time() {
    return context.time;
  }

  @Override
  public <T> Optional<T> attribute(AttributeKey<T> key) {
    return Optional.ofNullable(context.attribute(Objects.requireNonNull(key, "key")));
  }

  @Override
  public <T> void attribute(AttributeKey<T> key, T value) {
    context.attribute(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
  }

  @Override
  public Optional<Principal> principal() {
    return Optional.ofNullable(context.attribute(AuthRuntime.PRINCIPAL));
  }

  @Override
  public Response problem(int status, String title, String detail) {
    return Problems.response(status, Objects.requireNonNull(title, "title"),
        Objects.requireNonNull(detail, "detail"), context.requestId);
  }

  @Override
  public String toString() {
    return "Exchange[" + context.requestId + ", route " + context.routeId + ", " + request + "]";
  }
}
