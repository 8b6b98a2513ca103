package io.gatehouse.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static io.gatehouse.testing.assertj.GatewayAssertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamRedirectTest {
  private final WireMockServer wireMock = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
  private final Gateway.Builder routes = Gateway.builder()
      .route("orders", r -> r.path("/api/orders/**").stripPrefix(1).upstream("http://orders:8080/v1"));

  @BeforeEach
  void start() {
    wireMock.start();
  }

  @AfterEach
  void stop() {
    wireMock.stop();
  }

  @Test
  void routes_reach_wiremock_over_a_real_socket_keeping_their_path() throws Exception {
    wireMock.stubFor(get(urlEqualTo("/v1/orders/7")).willReturn(aResponse().withStatus(200).withBody("seven")));
    try (Gateway gateway = UpstreamRedirect.of(routes).to("http://orders:8080", wireMock.baseUrl()).build()) {
      Response res = gateway.handle(Request.builder("GET", "/api/orders/7").build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      byte[] body = res.body().bytes(1024).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(res.status()).isEqualTo(200);
      assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("seven");
    }
    wireMock.verify(getRequestedFor(urlEqualTo("/v1/orders/7")));
  }

  @Test
  void a_built_gateways_configuration_is_redirected_into_a_new_gateway() throws Exception {
    wireMock.stubFor(get(urlEqualTo("/v1/orders/8")).willReturn(aResponse().withStatus(200).withBody("eight")));
    try (Gateway original = routes.build();
        Gateway gateway = UpstreamRedirect.of(original).to("http://orders:8080", wireMock.baseUrl()).build()) {
      Response res = gateway.handle(Request.builder("GET", "/api/orders/8").build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      byte[] body = res.body().bytes(1024).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(res.status()).isEqualTo(200);
      assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("eight");
      assertThat(gateway).isNotSameAs(original);
    }
    wireMock.verify(getRequestedFor(urlEqualTo("/v1/orders/8")));
  }

  @Test
  void an_origin_no_route_uses_is_named_with_the_ones_that_are() {
    assertThatThrownBy(() -> UpstreamRedirect.of(routes).to("http://billing:8080", wireMock.baseUrl()))
        .hasMessageContaining("origin: 'http://billing:8080' is used by no route (expected one of: [http://orders:8080])");
  }

  @Test
  void every_target_of_groups_splits_and_mirrors_is_redirected() {
    Gateway.Builder groups = Gateway.builder()
        .route("orders", r -> r.path("/orders/**")
            .upstream(Upstream.of(Target.of("http://orders-1:8080", 3), Target.of("http://orders-2:8080/v2", 1)).named("orders"))
            .mirror(Mirror.to(Upstream.of("http://orders-1:8080")).fraction(0.5)))
        .route("cart", r -> r.path("/cart/**").split(TrafficSplit.of(Upstream.of("http://cart:8080"), 9)
            .and(Upstream.of("http://orders-2:8080"), 1)));
    try (Gateway gateway = UpstreamRedirect.of(groups)
        .to("http://orders-1:8080", "http://127.0.0.1:1001")
        .to("http://orders-2:8080", "http://127.0.0.1:1002")
        .build()) {
      RouteSpec orders = gateway.spec().routes().get(0);
      assertThat(orders.destination().upstream().orElseThrow().targets()).containsExactly(
          Target.of("http://127.0.0.1:1001", 3), Target.of("http://127.0.0.1:1002/v2", 1));
      assertThat(orders.destination().upstream().orElseThrow().name()).hasValue("orders");
      assertThat(orders.destination().mirror().orElseThrow().upstream().targets()).containsExactly(Target.of("http://127.0.0.1:1001"));
      assertThat(orders.destination().mirror().orElseThrow().fraction()).isEqualTo(0.5);
      assertThat(gateway.spec().routes().get(1).destination().split().orElseThrow().branches())
          .extracting(b -> b.upstream().targets().get(0).url(), TrafficSplit.Branch::weight)
          .containsExactly(tuple("http://cart:8080", 9),
              tuple("http://127.0.0.1:1002", 1));
    }
  }
}
