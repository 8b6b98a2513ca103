package io.gatehouse.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.Auth;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.edge.Cors;
import io.gatehouse.filter.Filter;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitCost;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A route's spec is a value in parts: each builder setting lands in one part, and equality is by value. */
class RouteSpecTest {
  private static final Upstream A = Upstream.of("http://a:1");
  private static final Upstream B = Upstream.of("http://b:1");
  private static final Upstream C = Upstream.of("http://c:1");
  private static final Upstream D = Upstream.of("http://d:1");
  private static final Filter FILTER = (exchange, chain) -> chain.proceed(exchange);
  private static final RequestPredicate MOBILE = new RequestPredicate("mobile", request -> true);
  // Authentication and access rules compare by identity: one instance for every build.
  private static final Auth API_KEY = Auth.apiKey();
  private static final AccessRule READ = AccessRule.scopes("orders:read");
  private static final io.gatehouse.validation.RequestValidator VALIDATOR = new io.gatehouse.validation.RequestValidator() {
    @Override
    public io.gatehouse.validation.ValidationResult validateHead(io.gatehouse.filter.Exchange exchange) {
      return io.gatehouse.validation.ValidationResult.valid();
    }

    @Override
    public io.gatehouse.validation.ValidationResult validateBody(io.gatehouse.filter.Exchange exchange,
        java.nio.ByteBuffer body) {
      return io.gatehouse.validation.ValidationResult.valid();
    }
  };

  /** The parts by name, so that a table row can say which part a setting belongs to. */
  private static final Map<String, Function<RouteSpec, Object>> PARTS = Map.ofEntries(
      Map.entry("match", RouteSpec::match),
      Map.entry("rewrite", RouteSpec::rewrite),
      Map.entry("destination", RouteSpec::destination),
      Map.entry("resilience", RouteSpec::resilience),
      Map.entry("access", RouteSpec::access),
      Map.entry("filters", RouteSpec::filters),
      Map.entry("cache", RouteSpec::cache),
      Map.entry("validation", RouteSpec::validation),
      Map.entry("requestTransform", RouteSpec::requestTransform),
      Map.entry("responseTransform", RouteSpec::responseTransform),
      Map.entry("compression", RouteSpec::compression));

  private static RouteBuilder everything() {
    return RouteSpec.builder("orders")
        .path("/orders/**", "/o/**").methods("GET", "POST").host("api.example.com")
        .header("X-Tenant").queryMatches("v", "[0-9]+").cookie("beta", "1")
        .predicate(MOBILE.description(), MOBILE.test())
        .stripPrefix(1).rewritePath("/o/(.*)", "/orders/$1")
        .setRequestHeader("X-A", "1").removeRequestHeader("X-B").addResponseHeader("X-C", "3")
        .upstream(A).mirror(Mirror.to(B)).fallback(C).webSocket(WebSocket.of().idleTimeout(Duration.ofSeconds(30)))
        .connectTimeout(Duration.ofSeconds(1)).responseTimeout(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(3))
        .responseBodyIdleTimeout(Duration.ofSeconds(4))
        .retry(Retry.times(2)).circuitBreaker(CircuitBreaker.of())
        .exchangeDeadline(ExchangeDeadline.of(Duration.ofSeconds(10)))
        .auth(API_KEY).require(READ)
        .rateLimit(RateLimit.perClientIp(10).per(Duration.ofSeconds(1))).rateLimitCost(RateLimitCost.of(2))
        .concurrencyLimit(ConcurrencyLimit.of(5)).maxRequestBody(1024)
        .cors(Cors.allowOrigins("https://app.example.com"))
        .filter(FILTER)
        .cache(ResponseCache.shared("orders"))
        .validate(VALIDATOR)
        .transformRequest(io.gatehouse.transform.JsonTransform.of().remove("/a"))
        .transformResponse(io.gatehouse.transform.JsonTransform.of().wrap("data"))
        .compression(io.gatehouse.transform.Compression.gzip());
  }

  @Test
  void every_setting_of_the_builder_is_read_from_its_part() {
    RouteSpec route = everything().build();

    assertThat(route.id()).isEqualTo("orders");
    RouteMatch match = route.match();
    assertThat(match.paths()).containsExactly("/orders/**", "/o/**");
    assertThat(match.methods()).containsExactly("GET", "POST");
    assertThat(match.hosts()).containsExactly("api.example.com");
    assertThat(match.conditions()).extracting(RequestCondition::source)
        .containsExactly(RequestCondition.Source.HEADER, RequestCondition.Source.QUERY, RequestCondition.Source.COOKIE);
    assertThat(match.predicates()).containsExactly(MOBILE);
    RouteRewrite rewrite = route.rewrite();
    assertThat(rewrite.stripPrefix()).isEqualTo(1);
    assertThat(rewrite.path()).hasValue(new PathRewrite("/o/(.*)", "/orders/$1"));
    assertThat(rewrite.requestHeaders()).containsExactly(
        new HeaderOperation(HeaderOperation.Action.SET, "X-A", Optional.of("1")),
        new HeaderOperation(HeaderOperation.Action.REMOVE, "X-B", Optional.empty()));
    assertThat(rewrite.responseHeaders()).containsExactly(
        new HeaderOperation(HeaderOperation.Action.ADD, "X-C", Optional.of("3")));
    RouteDestination destination = route.destination();
    assertThat(destination.upstream()).hasValue(A);
    assertThat(destination.split()).isEmpty();
    assertThat(destination.staticResponse()).isEmpty();
    assertThat(destination.mirror()).hasValue(Mirror.to(B));
    assertThat(destination.fallbackUpstream()).hasValue(C);
    assertThat(destination.webSocket()).hasValue(WebSocket.of().idleTimeout(Duration.ofSeconds(30)));
    assertThat(destination.fallbackResponse()).isEmpty();
    RouteResilience resilience = route.resilience();
    assertThat(resilience.connectTimeout()).hasValue(Duration.ofSeconds(1));
    assertThat(resilience.responseTimeout()).hasValue(Duration.ofSeconds(2));
    assertThat(resilience.responseBodyIdleTimeout()).hasValue(Duration.ofSeconds(4));
    assertThat(resilience.timeout()).hasValue(Duration.ofSeconds(3));
    assertThat(resilience.retry()).hasValue(Retry.times(2));
    assertThat(resilience.circuitBreaker()).hasValue(CircuitBreaker.of());
    assertThat(resilience.exchangeDeadline()).hasValue(ExchangeDeadline.of(Duration.ofSeconds(10)));
    RouteAccess access = route.access();
    assertThat(access.auth()).hasValue(API_KEY);
    assertThat(access.rules()).containsExactly(READ);
    assertThat(access.rateLimits()).containsExactly(RateLimit.perClientIp(10).per(Duration.ofSeconds(1)));
    assertThat(access.rateLimitCost()).isEqualTo(RateLimitCost.of(2));
    assertThat(access.concurrencyLimit()).hasValue(ConcurrencyLimit.of(5));
    assertThat(access.maxRequestBody()).hasValue(1024);
    assertThat(access.cors()).hasValue(Cors.allowOrigins("https://app.example.com"));
    assertThat(route.filters()).containsExactly(FILTER);
    assertThat(route.requestTransform()).hasValue(io.gatehouse.transform.JsonTransform.of().remove("/a"));
    assertThat(route.responseTransform()).hasValue(io.gatehouse.transform.JsonTransform.of().wrap("data"));
    assertThat(route.compression()).hasValue(io.gatehouse.transform.Compression.gzip());
  }

  @Test
  void a_route_declaring_nothing_has_empty_parts_and_costs_one_permit() {
    RouteSpec route = RouteSpec.builder("all").build();

    assertThat(route.match().paths()).isEmpty();
    assertThat(route.match().methods()).isEmpty();
    assertThat(route.rewrite().stripPrefix()).isZero();
    assertThat(route.rewrite().path()).isEmpty();
    assertThat(route.destination().upstream()).isEmpty();
    assertThat(route.resilience().timeout()).isEmpty();
    assertThat(route.access().auth()).isEmpty();
    assertThat(route.access().rateLimitCost()).isEqualTo(RateLimitCost.of(1));
    assertThat(route.access().maxRequestBody()).isEmpty();
    assertThat(route.access().cors()).isEmpty();
    assertThat(route.filters()).isEmpty();
    assertThat(route.upstreamsUsed()).isEmpty();
    assertThat(route.requestTransform()).isEmpty();
    assertThat(route.responseTransform()).isEmpty();
    assertThat(route.compression()).isEmpty();
  }

  @Test
  void to_builder_gives_back_an_equal_route_with_the_same_hash_and_text() {
    RouteSpec route = everything().build();
    RouteSpec copy = route.toBuilder().build();

    assertThat(copy).isEqualTo(route).hasSameHashCodeAs(route).hasToString(route.toString()).isNotSameAs(route);
    assertThat(everything().build()).isEqualTo(route);
    assertThat(route).isNotEqualTo(null).isNotEqualTo(route.match());
    RouteSpec renamed = new RouteSpec("other", route.match(), route.rewrite(), route.destination(), route.resilience(),
        route.access(), route.filters(), route.cache(), route.validation(), route.requestTransform(), route.responseTransform(),
        route.compression());
    assertThat(renamed).isNotEqualTo(route);
    assertThat(renamed.toBuilder().build()).isEqualTo(renamed);
  }

  static Stream<Arguments> one_setting_changed() {
    return Stream.of(
        Arguments.of("match", (UnaryOperator<RouteBuilder>) r -> r.path("/more")),
        Arguments.of("match", (UnaryOperator<RouteBuilder>) r -> r.methods("DELETE")),
        Arguments.of("match", (UnaryOperator<RouteBuilder>) r -> r.host("*.example.com")),
        Arguments.of("match", (UnaryOperator<RouteBuilder>) r -> r.query("q")),
        Arguments.of("match", (UnaryOperator<RouteBuilder>) r -> r.predicate("any", request -> true)),
        Arguments.of("rewrite", (UnaryOperator<RouteBuilder>) r -> r.stripPrefix(2)),
        Arguments.of("rewrite", (UnaryOperator<RouteBuilder>) r -> r.rewritePath("/x", "/y")),
        Arguments.of("rewrite", (UnaryOperator<RouteBuilder>) r -> r.addRequestHeader("X-D", "4")),
        Arguments.of("rewrite", (UnaryOperator<RouteBuilder>) r -> r.setResponseHeader("X-E", "5")),
        Arguments.of("destination", (UnaryOperator<RouteBuilder>) r -> r.upstream(D)),
        Arguments.of("destination", (UnaryOperator<RouteBuilder>) r -> r.split(TrafficSplit.of(D, 1))),
        Arguments.of("destination", (UnaryOperator<RouteBuilder>) r -> r.respond(204, "text/plain", "")),
        Arguments.of("destination", (UnaryOperator<RouteBuilder>) r -> r.mirror(Mirror.to(D))),
        Arguments.of("destination", (UnaryOperator<RouteBuilder>) r -> r.fallback(StaticResponse.of(503))),
        Arguments.of("destination", (UnaryOperator<RouteBuilder>) r -> r.webSocket(WebSocket.of().maxFrameSize(4096))),
        Arguments.of("resilience", (UnaryOperator<RouteBuilder>) r -> r.connectTimeout(Duration.ofSeconds(9))),
        Arguments.of("resilience", (UnaryOperator<RouteBuilder>) r -> r.responseTimeout(Duration.ofSeconds(9))),
        Arguments.of("resilience", (UnaryOperator<RouteBuilder>) r -> r.timeout(Duration.ofSeconds(9))),
        Arguments.of("resilience", (UnaryOperator<RouteBuilder>) r -> r.retry(Retry.times(5))),
        Arguments.of("resilience", (UnaryOperator<RouteBuilder>) r -> r.circuitBreaker(CircuitBreaker.of().failureRateThreshold(10))),
        Arguments.of("resilience", (UnaryOperator<RouteBuilder>) r -> r.exchangeDeadline(ExchangeDeadline.none())),
        Arguments.of("access", (UnaryOperator<RouteBuilder>) r -> r.auth(Auth.none())),
        Arguments.of("access", (UnaryOperator<RouteBuilder>) r -> r.requireRoles("admin")),
        Arguments.of("access", (UnaryOperator<RouteBuilder>) r -> r.rateLimit(RateLimit.perRoute(1).per(Duration.ofSeconds(1)))),
        Arguments.of("access", (UnaryOperator<RouteBuilder>) r -> r.rateLimitCost(RateLimitCost.of(3))),
        Arguments.of("access", (UnaryOperator<RouteBuilder>) r -> r.concurrencyLimit(ConcurrencyLimit.of(6))),
        Arguments.of("access", (UnaryOperator<RouteBuilder>) r -> r.maxRequestBody(2048)),
        Arguments.of("access", (UnaryOperator<RouteBuilder>) r -> r.cors(Cors.none())),
        Arguments.of("filters", (UnaryOperator<RouteBuilder>) r -> r.filter((exchange, chain) -> chain.proceed(exchange))),
        Arguments.of("cache", (UnaryOperator<RouteBuilder>) r -> r.cache(ResponseCache.shared("orders").keyByConsumer())),
        Arguments.of("validation", (UnaryOperator<RouteBuilder>) r -> r.validate(
            io.gatehouse.validation.RequestValidation.of(VALIDATOR).maxBodyBytes(10))),
        Arguments.of("requestTransform", (UnaryOperator<RouteBuilder>) r -> r.transformRequest(io.gatehouse.transform.JsonTransform.of().remove("/b"))),
        Arguments.of("responseTransform", (UnaryOperator<RouteBuilder>) r -> r.transformResponse(io.gatehouse.transform.JsonTransform.of().maxBodyBytes(5))),
        Arguments.of("compression", (UnaryOperator<RouteBuilder>) r -> r.compression(io.gatehouse.transform.Compression.none())));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("one_setting_changed")
  void a_route_differing_in_one_setting_differs_in_that_part_only(String part, UnaryOperator<RouteBuilder> change) {
    RouteSpec base = everything().build();
    RouteSpec changed = change.apply(everything()).build();

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
  void a_built_route_does_not_change_with_its_builder_and_its_collections_are_read_only() {
    RouteBuilder builder = RouteSpec.builder("r").path("/a").methods("GET").setRequestHeader("X-A", "1");
    RouteSpec route = builder.build();
    builder.path("/b").methods("PUT").setRequestHeader("X-B", "2").rateLimit(RateLimit.perRoute(1).per(Duration.ofSeconds(1)));

    assertThat(route.match().paths()).containsExactly("/a");
    assertThat(route.match().methods()).containsExactly("GET");
    assertThat(route.rewrite().requestHeaders()).hasSize(1);
    assertThat(route.access().rateLimits()).isEmpty();
    assertThatThrownBy(() -> route.match().paths().add("/c")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> route.match().methods().add("PUT")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> route.filters().add(FILTER)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void the_upstreams_used_are_the_upstream_the_split_the_fallback_and_the_mirror_in_that_order() {
    RouteSpec proxying = everything().build();
    RouteSpec splitting = RouteSpec.builder("s").split(TrafficSplit.of(B, 9).and(C, 1)).mirror(Mirror.to(D)).build();

    assertThat(proxying.upstreamsUsed()).containsExactly(A, C, B);
    assertThat(splitting.upstreamsUsed()).containsExactly(B, C, D);
  }

  @Test
  void the_text_names_each_part() {
    assertThat(RouteSpec.builder("r").upstream(A).build().toString())
        .startsWith("RouteSpec[id=r, match=RouteMatch[paths=[], methods=[], hosts=[], conditions=[], predicates=[]], "
            + "rewrite=RouteRewrite[stripPrefix=0, path=none, requestHeaders=[], responseHeaders=[], securityHeaders=none], "
            + "destination=RouteDestination[upstream=" + A + ", split=none, staticResponse=none, mirror=none, "
            + "fallbackResponse=none, fallbackUpstream=none, aggregation=none, webSocket=none], "
            + "resilience=RouteResilience[connectTimeout=none, responseTimeout=none, responseBodyIdleTimeout=none, "
            + "timeout=none, retry=none, "
            + "circuitBreaker=none, exchangeDeadline=none], "
            + "access=RouteAccess[auth=none, rules=[], rateLimits=[], rateLimitCost=")
        .endsWith(", concurrencyLimit=none, maxRequestBody=none, ipRules=none, cors=none], filters=[], cache=none, "
            + "validation=none, requestTransform=none, responseTransform=none, compression=none]");
  }
}
