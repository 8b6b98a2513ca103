package io.gatehouse.filter;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.TimeSource;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A filter may pass on an {@link Exchange} of its own making, not derived with {@code withRequest}:
 * the built-in stages after it, the proxy terminal and the request's record still find the request's
 * state (route, principal, rejections, upstream attempts), because the chain carries that state, not
 * the exchange.
 */
class OwnExchangeTest {
  private static final String UP = "http://api:8080";
  private static final String KEY = "k-acme-0123456789abcdef";

  /** Where the own exchange is passed on: before the built-in stages, or after them. */
  enum Where { GLOBAL_FILTER, ROUTE_FILTER }

  /**
   * An exchange of a filter's own: delegates the request data, but keeps attributes of its own and
   * knows no principal, as a careless wrapper might.
   */
  private record OwnExchange(Exchange inner, Request request, Map<AttributeKey<?>, Object> own) implements Exchange {
    static Exchange of(Exchange inner) {
      return new OwnExchange(inner, inner.request().toBuilder().header("X-Wrapped", "yes").build(), new ConcurrentHashMap<>());
    }

    @Override
    public Exchange withRequest(Request changed) {
      return new OwnExchange(inner, changed, own);
    }

    @Override
    public String requestId() {
      return inner.requestId();
    }

    @Override
    public String routeId() {
      return inner.routeId();
    }

    @Override
    public Map<String, String> pathVariables() {
      return inner.pathVariables();
    }

    @Override
    public String clientAddress() {
      return inner.clientAddress();
    }

    @Override
    public TimeSource time() {
      return inner.time();
    }

    @Override
    public <T> Optional<T> attribute(AttributeKey<T> key) {
      return Optional.ofNullable(key.type().cast(own.get(key)));
    }

    @Override
    public <T> void attribute(AttributeKey<T> key, T value) {
      own.put(key, value);
    }

    @Override
    public Optional<Principal> principal() {
      return Optional.empty();
    }

    @Override
    public Response problem(int status, String title, String detail) {
      return inner.problem(status, title, detail);
    }
  }

  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  private void tester(Where where) {
    Filter wrapping = (exchange, chain) -> chain.proceed(OwnExchange.of(exchange));
    GatewayObserver observer = records::add;
    UnaryOperator<Gateway.Builder> filters = b -> where == Where.GLOBAL_FILTER ? b.filter(wrapping) : b;
    tester = GatewayTester.of(filters.apply(Gateway.builder().time(ManualClock.create()).observer(observer).accessLog(false)
        .auth(Auth.apiKey())
        .consumer(ApiConsumer.builder("acme").apiKey(KEY).build())
        .route("api", r -> {
          r.path("/api/**").upstream(UP).rateLimit(RateLimit.perConsumer(1).per(Duration.ofMinutes(1)));
          if (where == Where.ROUTE_FILTER) {
            r.filter(wrapping);
          }
        })));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
  }

  private RequestRecord lastRecord() {
    return records.get(records.size() - 1);
  }

  @ParameterizedTest
  @EnumSource(Where.class)
  void the_request_is_proxied_and_recorded_in_full(Where where) {
    tester(where);
    assertThat(tester.get("/api/orders").header("X-API-Key", KEY).send())
        .hasStatus(200).hasBody("ok").upstreamSawHeader("X-Wrapped", "yes").upstreamSawHeader("X-Consumer-Id", "acme");
    RequestRecord record = lastRecord();
    assertThat(record.routeId()).contains("api");
    assertThat(record.consumer()).as("the principal the auth stage found").contains("acme");
    assertThat(record.upstream()).contains(UP);
    assertThat(record.upstreamAttempts()).isEqualTo(1);
    assertThat(record.rejection()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Where.class)
  void the_built_in_stages_after_it_still_know_the_consumer_and_record_their_rejections(Where where) {
    tester(where);
    assertThat(tester.get("/api/orders").header("X-API-Key", KEY).send()).hasStatus(200);
    assertThat(tester.get("/api/orders").header("X-API-Key", KEY).send())
        .as("the per-consumer limit counts acme, not a client address").hasStatus(429).isProblem();
    assertThat(lastRecord().rejection()).contains(Rejection.RATE_LIMITED);
    assertThat(lastRecord().consumer()).contains("acme");

    assertThat(tester.get("/api/orders").send()).hasStatus(401);
    assertThat(lastRecord().rejection()).contains(Rejection.UNAUTHENTICATED);
  }
}
