package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.edge.Cors;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.UnderscoreHeaders;
import io.gatehouse.metering.Metering;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.Tracing;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitHeaders;
import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.ConnectionPool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A gateway's spec is a value in parts: each builder setting lands in one part, and equality is by value. */
class GatewaySpecTest {
  // Values that compare by identity: one instance for every build.
  private static final RouteSpec ORDERS = RouteSpec.builder("orders").path("/orders/**").upstream("http://orders:1").build();
  private static final Filter FILTER = (exchange, chain) -> chain.proceed(exchange);
  private static final Auth API_KEY = Auth.apiKey();
  private static final ApiConsumer ACME = ApiConsumer.builder("acme").plan("pro").build();
  private static final IdentityHeaders HEADERS = IdentityHeaders.defaults().plan("X-Plan");
  private static final GatewayObserver OBSERVER = record -> {};
  private static final Tracing TRACING = request -> {
    throw new UnsupportedOperationException("not traced in this test");
  };
  private static final UpstreamTransport TRANSPORT = call -> {
    throw new UnsupportedOperationException("not called in this test");
  };
  private static final RateLimitStore STORE = new NoStore();
  private static final TimeSource TIME = TimeSource.system();

  /** The parts by name, so that a table row can say which part a setting belongs to. */
  private static final Map<String, Function<GatewaySpec, Object>> PARTS = Map.of(
      "routes", GatewaySpec::routes,
      "filters", GatewaySpec::filters,
      "time", GatewaySpec::time,
      "ingress", GatewaySpec::ingress,
      "upstreams", GatewaySpec::upstreams,
      "identity", GatewaySpec::identity,
      "rateLimiting", GatewaySpec::rateLimiting,
      "observation", GatewaySpec::observation,
      "cors", GatewaySpec::cors);

  private static Gateway.Builder everything() {
    return Gateway.builder()
        .route(ORDERS).filter(FILTER).time(TIME)
        .trustedProxies("10.0.0.0/8").requestLimits(RequestLimits.defaults().maxHeaderCount(50))
        .underscoreHeaders(UnderscoreHeaders.REJECT).extensionMethods("PROPFIND").methodOverride(true)
        .caseInsensitivePaths(true).echoRequestId(false)
        .connectTimeout(Duration.ofSeconds(1)).responseTimeout(Duration.ofSeconds(2))
        .responseBodyIdleTimeout(Duration.ofSeconds(3))
        .exchangeDeadline(ExchangeDeadline.of(Duration.ofSeconds(10))).transport(TRANSPORT)
        .poolAcquireTimeout(Duration.ofMillis(300))
        .auth(API_KEY).consumer(ACME).identityHeaders(HEADERS)
        .rateLimit(RateLimit.perClientIp(10).per(Duration.ofSeconds(1))).rateLimitHeaders(RateLimitHeaders.X_RATELIMIT)
        .rateLimitStore(STORE, RateLimitStore.Fallback.REJECT)
        .usagePlan("pro", Quota.perDay(1000)).defaultUsagePlan("pro")
        .observer(OBSERVER).accessLog(false).metering(Metering.every(Duration.ofHours(1))).version("v7").tracing(TRACING)
        .cors(Cors.allowOrigins("https://app.example.com"));
  }

  @Test
  void every_setting_of_the_builder_is_read_from_its_part() {
    GatewaySpec spec = everything().spec();

    assertThat(spec.routes()).containsExactly(ORDERS);
    assertThat(spec.filters()).containsExactly(FILTER);
    assertThat(spec.time()).isSameAs(TIME);
    IngressSettings ingress = spec.ingress();
    assertThat(ingress.trustedProxies()).containsExactly("10.0.0.0/8");
    assertThat(ingress.requestLimits()).isEqualTo(RequestLimits.defaults().maxHeaderCount(50));
    assertThat(ingress.underscoreHeaders()).isEqualTo(UnderscoreHeaders.REJECT);
    assertThat(ingress.extensionMethods()).containsExactly("PROPFIND");
    assertThat(ingress.methodOverride()).isTrue();
    assertThat(ingress.caseInsensitivePaths()).isTrue();
    assertThat(ingress.echoRequestId()).isFalse();
    UpstreamSettings upstreams = spec.upstreams();
    assertThat(upstreams.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(upstreams.responseTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(upstreams.responseBodyIdleTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(upstreams.exchangeDeadline()).isEqualTo(ExchangeDeadline.of(Duration.ofSeconds(10)));
    assertThat(upstreams.transport()).hasValue(TRANSPORT);
    assertThat(upstreams.connectionPool()).isEqualTo(ConnectionPool.defaults().acquireTimeout(Duration.ofMillis(300)));
    IdentitySettings identity = spec.identity();
    assertThat(identity.auth()).isSameAs(API_KEY);
    assertThat(identity.consumers()).containsExactly(ACME);
    assertThat(identity.consumerStore()).isEmpty();
    assertThat(identity.headers()).isEqualTo(HEADERS);
    RateLimitSettings rateLimiting = spec.rateLimiting();
    assertThat(rateLimiting.limits()).containsExactly(RateLimit.perClientIp(10).per(Duration.ofSeconds(1)));
    assertThat(rateLimiting.headers()).isEqualTo(RateLimitHeaders.X_RATELIMIT);
    assertThat(rateLimiting.store()).hasValue(STORE);
    assertThat(rateLimiting.storeFallback()).isEqualTo(RateLimitStore.Fallback.REJECT);
    assertThat(rateLimiting.usagePlans()).containsExactly(Map.entry("pro", List.of(Quota.perDay(1000))));
    assertThat(rateLimiting.defaultUsagePlan()).hasValue("pro");
    ObservationSettings observation = spec.observation();
    assertThat(observation.observers()).containsExactly(OBSERVER);
    assertThat(observation.accessLog()).isFalse();
    assertThat(observation.metering()).hasValue(Metering.every(Duration.ofHours(1)));
    assertThat(observation.version()).hasValue("v7");
    assertThat(observation.tracing()).hasValue(TRACING);
    assertThat(spec.cors()).isEqualTo(Cors.allowOrigins("https://app.example.com"));
  }

  @Test
  void a_gateway_declaring_nothing_has_the_documented_defaults() {
    GatewaySpec spec = Gateway.builder().spec();

    assertThat(spec.routes()).isEmpty();
    assertThat(spec.time()).isEqualTo(TimeSource.system());
    assertThat(spec.ingress().trustedProxies()).isEmpty();
    assertThat(spec.ingress().requestLimits()).isEqualTo(RequestLimits.defaults());
    assertThat(spec.ingress().underscoreHeaders()).isEqualTo(UnderscoreHeaders.DROP);
    assertThat(spec.ingress().methodOverride()).isFalse();
    assertThat(spec.ingress().caseInsensitivePaths()).isFalse();
    assertThat(spec.ingress().echoRequestId()).isTrue();
    assertThat(spec.upstreams().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(spec.upstreams().responseTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(spec.upstreams().responseBodyIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(spec.upstreams().exchangeDeadline()).isEqualTo(ExchangeDeadline.none());
    assertThat(spec.upstreams().transport()).isEmpty();
    assertThat(spec.upstreams().connectionPool()).isEqualTo(ConnectionPool.defaults());
    assertThat(spec.identity().auth()).isEqualTo(Auth.none());
    assertThat(spec.identity().headers()).isEqualTo(IdentityHeaders.defaults());
    assertThat(spec.rateLimiting().headers()).isEqualTo(RateLimitHeaders.IETF_DRAFT_09);
    assertThat(spec.rateLimiting().store()).isEmpty();
    assertThat(spec.rateLimiting().storeFallback()).isEqualTo(RateLimitStore.Fallback.LOCAL);
    assertThat(spec.rateLimiting().defaultUsagePlan()).isEmpty();
    assertThat(spec.observation().accessLog()).isTrue();
    assertThat(spec.observation().metering()).isEmpty();
    assertThat(spec.observation().version()).isEmpty();
    assertThat(spec.observation().tracing()).isEmpty();
    assertThat(spec.cors()).isEqualTo(Cors.none());
  }

  @Test
  void to_builder_gives_back_an_equal_spec_with_the_same_hash_and_text() {
    GatewaySpec spec = everything().spec();
    GatewaySpec copy = spec.toBuilder().spec();

    assertThat(copy).isEqualTo(spec).hasSameHashCodeAs(spec).hasToString(spec.toString()).isNotSameAs(spec);
    assertThat(everything().spec()).isEqualTo(spec);
    assertThat(spec).isNotEqualTo(null).isNotEqualTo(spec.ingress());
  }

  static Stream<Arguments> one_setting_changed() {
    return Stream.of(
        row("routes", g -> g.route("more", r -> r.respond(204, "text/plain", ""))),
        row("filters", g -> g.filter((exchange, chain) -> chain.proceed(exchange))),
        row("ingress", g -> g.trustedProxies("192.168.0.1")),
        row("ingress", g -> g.requestLimits(RequestLimits.defaults())),
        row("ingress", g -> g.underscoreHeaders(UnderscoreHeaders.ALLOW)),
        row("ingress", g -> g.extensionMethods("MKCOL")),
        row("ingress", g -> g.methodOverride(false)),
        row("ingress", g -> g.caseInsensitivePaths(false)),
        row("ingress", g -> g.echoRequestId(true)),
        row("upstreams", g -> g.connectTimeout(Duration.ofSeconds(9))),
        row("upstreams", g -> g.responseTimeout(Duration.ofSeconds(9))),
        row("upstreams", g -> g.exchangeDeadline(ExchangeDeadline.none())),
        row("upstreams", g -> g.transport(call -> null)),
        row("upstreams", g -> g.connectionMaxLifetime(Duration.ofSeconds(9))),
        row("identity", g -> g.auth(Auth.none())),
        row("identity", g -> g.consumer(ApiConsumer.builder("other").build())),
        row("identity", g -> g.consumers(ConsumerStore.of(List.of()))),
        row("identity", g -> g.identityHeaders(IdentityHeaders.none())),
        row("rateLimiting", g -> g.rateLimit(RateLimit.perRoute(1).per(Duration.ofSeconds(1)))),
        row("rateLimiting", g -> g.rateLimitHeaders(RateLimitHeaders.IETF_DRAFT_09)),
        row("rateLimiting", g -> g.rateLimitStore(STORE, RateLimitStore.Fallback.LOCAL)),
        row("rateLimiting", g -> g.usagePlan("free", Quota.perDay(10))),
        row("rateLimiting", g -> g.usagePlan("free", Quota.perDay(10)).defaultUsagePlan("free")),
        row("observation", g -> g.observer(record -> {})),
        row("observation", g -> g.accessLog(true)),
        row("observation", g -> g.metering(Metering.every(Duration.ofHours(2)))),
        row("observation", g -> g.version("v8")),
        row("observation", g -> g.tracing(request -> null)),
        row("cors", g -> g.cors(Cors.allowAnyOrigin())));
  }

  private static Arguments row(String part, UnaryOperator<Gateway.Builder> change) {
    return Arguments.of(part, change);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("one_setting_changed")
  void a_spec_differing_in_one_setting_differs_in_that_part_only(String part, UnaryOperator<Gateway.Builder> change) {
    GatewaySpec base = everything().spec();
    GatewaySpec changed = change.apply(everything()).spec();

    assertThat(changed).isNotEqualTo(base);
    assertThat(changed.toString()).isNotEqualTo(base.toString());
    PARTS.forEach((name, read) -> {
      if (name.equals(part)) {
        assertThat(read.apply(changed)).as(name).isNotEqualTo(read.apply(base));
      } else {
        assertThat(read.apply(changed)).as(name).isEqualTo(read.apply(base));
        assertThat(read.apply(changed).hashCode()).as(name).isEqualTo(read.apply(base).hashCode());
      }
    });
  }

  @Test
  void a_spec_does_not_change_with_its_builder_and_its_collections_are_read_only() {
    Gateway.Builder builder = Gateway.builder().route(ORDERS).extensionMethods("PROPFIND").usagePlan("pro", Quota.perDay(1));
    GatewaySpec spec = builder.spec();
    builder.route("more", r -> r.respond(204, "text/plain", "")).extensionMethods("MKCOL").usagePlan("free", Quota.perDay(1));

    assertThat(spec.routes()).containsExactly(ORDERS);
    assertThat(spec.ingress().extensionMethods()).containsExactly("PROPFIND");
    assertThat(spec.rateLimiting().usagePlans()).containsOnlyKeys("pro");
    assertThatThrownBy(() -> spec.routes().add(ORDERS)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.ingress().extensionMethods().add("MKCOL"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.rateLimiting().usagePlans().put("free", List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.rateLimiting().usagePlans().get("pro").add(Quota.perDay(2)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void the_text_names_each_part_in_order() {
    assertThat(Gateway.builder().spec().toString())
        .startsWith("GatewaySpec[routes=[], filters=[], time=")
        .contains(", ingress=IngressSettings[trustedProxies=[], requestLimits=", ", upstreams=UpstreamSettings[connectTimeout=PT5S, ",
            ", identity=IdentitySettings[auth=", ", rateLimiting=RateLimitSettings[limits=[], headers=IETF_DRAFT_09, store=none, ",
            ", observation=ObservationSettings[observers=[], accessLog=true, metering=none, version=none, tracing=none]",
            ", cors=Cors.none()]")
        .doesNotContain("Optional");
  }

  /** A store that is never called: the spec only holds it. */
  private static final class NoStore implements RateLimitStore {
    @Override
    public CompletionStage<Decision> acquire(String key, long intervalNanos, long capacityNanos, long cost) {
      throw new UnsupportedOperationException("acquire");
    }

    @Override
    public CompletionStage<Void> release(String key, long intervalNanos, long cost) {
      throw new UnsupportedOperationException("release");
    }

    @Override
    public CompletionStage<QuotaCount> count(String key, long cost, long limit, long windowEndEpochMillis) {
      throw new UnsupportedOperationException("count");
    }

    @Override
    public CompletionStage<Void> uncount(String key, long cost) {
      throw new UnsupportedOperationException("uncount");
    }

    @Override
    public void close() {}
  }
}
