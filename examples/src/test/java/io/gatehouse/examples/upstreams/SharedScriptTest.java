package io.gatehouse.examples.upstreams;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.UpstreamRedirect;
import io.gatehouse.testing.UpstreamScript;
import io.gatehouse.testing.UpstreamServer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The README's shared script: one upstream script, in memory and on a real socket. */
class SharedScriptTest {
  private static final Gateway.Builder ROUTES = Gateway.builder()
      .route("orders", r -> r.path("/orders/**").upstream("http://orders:8080"));

  // tag::shared-script[]
  static final Consumer<UpstreamScript> ORDERS = script -> script
      .respond(200, "application/json", "[]")
      .when("GET", "/orders/*").respond(200, "application/json", "{\"id\":7}")
      .failNext(1, 503);

  @Test
  void one_script_answers_the_same_in_memory_and_over_a_socket() throws Exception {
    try (GatewayTester tester = GatewayTester.of(ROUTES)
        .stubUpstream("http://orders:8080", stub -> stub.script(ORDERS))) {
      assertThat(tester.get("/orders/7").send()).hasStatus(503);
      assertThat(tester.get("/orders/7").send()).hasStatus(200).hasBody("{\"id\":7}");
    }

    try (UpstreamServer orders = UpstreamServer.start().script(ORDERS);
        Gateway gateway = UpstreamRedirect.of(ROUTES).to("http://orders:8080", orders.url()).build()) {
      assertThat(status(gateway, "/orders/7")).isEqualTo(503);
      assertThat(status(gateway, "/orders/7")).isEqualTo(200);
      assertThat(orders.received()).hasSize(2);
    }
  }
  // end::shared-script[]

  private static int status(Gateway gateway, String path) throws Exception {
    return gateway.handle(Request.builder("GET", path).build()).toCompletableFuture().get(5, TimeUnit.SECONDS).status();
  }
}
