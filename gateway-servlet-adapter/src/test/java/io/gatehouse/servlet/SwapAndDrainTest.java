package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.raw.RawHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Swapping the gateway while requests are in flight, and the drain when the container takes the servlet out of service. */
class SwapAndDrainTest {
  private static Response text(String s) {
    return Response.builder(200).header("Content-Type", "text/plain").body(Body.of(s)).build();
  }

  private static String get(int port, String target) throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      client.send("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head head = client.readHead();
      return head.status() + " " + new String(client.readBody(head), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_swap_sends_new_requests_to_the_new_gateway_and_the_old_drains_when_its_request_ends(Container container)
      throws Exception {
    CompletableFuture<Response> slow = new CompletableFuture<>();
    TestGateway first = TestGateway.async(r -> r.path().equals("/slow") ? slow : CompletableFuture.completedFuture(text("first")));
    TestGateway second = TestGateway.text(200, "second");
    GatehouseServlet servlet = GatehouseServlet.of(first);
    try (Container.Running running = container.start(Container.Deployment.of("", Map.of("/gw/*", servlet)));
        RawHttp inFlight = RawHttp.connect(running.port())) {
      inFlight.send("GET /gw/slow HTTP/1.1\r\nHost: t\r\n\r\n");
      first.lastRequest();

      assertThat(servlet.swap(second)).isSameAs(first);
      assertThat(servlet.current()).isSameAs(second);
      CompletionStage<Gateway> drained = servlet.swappable().drained(first);

      assertThat(get(running.port(), "/gw/x")).isEqualTo("200 second");
      assertThat(drained.toCompletableFuture()).isNotDone();
      assertThat(servlet.swappable().inFlight(first)).isEqualTo(1);

      slow.complete(text("first, late"));
      RawHttp.Head head = inFlight.readHead();
      assertThat(new String(inFlight.readBody(head), StandardCharsets.UTF_8)).isEqualTo("first, late");
      assertThat(drained.toCompletableFuture().get(5, TimeUnit.SECONDS)).isSameAs(first);
      assertThat(first.closed).isFalse(); // the servlet never closes a gateway
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void destroy_turns_new_requests_away_and_waits_for_those_in_flight(Container container) throws Exception {
    CompletableFuture<Response> slow = new CompletableFuture<>();
    TestGateway gateway = TestGateway.async(r -> r.path().equals("/slow") ? slow : CompletableFuture.completedFuture(text("fast")));
    GatehouseServlet servlet = GatehouseServlet.builder(gateway).drainTimeout(Duration.ofSeconds(10)).build();
    try (Container.Running running = container.start(Container.Deployment.of("", Map.of("/gw/*", servlet)));
        RawHttp inFlight = RawHttp.connect(running.port())) {
      inFlight.send("GET /gw/slow HTTP/1.1\r\nHost: t\r\n\r\n");
      gateway.lastRequest();
      Thread destroyer = new Thread(servlet::destroy, "destroyer"); // as the container does when it stops the application
      destroyer.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      String refused;
      do {
        Thread.sleep(20);
        try (RawHttp client = RawHttp.connect(running.port())) {
          client.send("GET /gw/x HTTP/1.1\r\nHost: t\r\n\r\n");
          RawHttp.Head head = client.readHead();
          refused = head.status() + " " + head.first("Connection").orElse("") + " " + head.first("Retry-After").orElse("")
              + " " + new String(client.readBody(head), StandardCharsets.UTF_8);
        }
      } while (refused.startsWith("200") && System.nanoTime() < deadline);

      assertThat(refused).startsWith("503 close ").contains("The server is shutting down.");
      assertThat(destroyer.isAlive()).as("destroy waits for the request in flight").isTrue();

      slow.complete(text("finished"));
      RawHttp.Head head = inFlight.readHead();
      assertThat(new String(inFlight.readBody(head), StandardCharsets.UTF_8)).isEqualTo("finished");
      assertThat(head.first("Connection")).as("a response that starts while draining ends its connection").contains("close");
      destroyer.join(5000);
      assertThat(destroyer.isAlive()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_drain_past_its_timeout_ends_what_is_left_and_cancels_the_gateways_call(Container container) throws Exception {
    CompletableFuture<Response> never = new CompletableFuture<>();
    TestGateway gateway = TestGateway.async(r -> never);
    GatehouseServlet servlet = GatehouseServlet.builder(gateway).drainTimeout(Duration.ofMillis(300)).build();
    try (Container.Running running = container.start(Container.Deployment.of("", Map.of("/gw/*", servlet)));
        RawHttp inFlight = RawHttp.connect(running.port())) {
      inFlight.send("GET /gw/stuck HTTP/1.1\r\nHost: t\r\n\r\n");
      gateway.lastRequest();
      long started = System.nanoTime();
      servlet.destroy();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

      RawHttp.Head head = inFlight.readHead();
      assertThat(head.status()).isEqualTo(503);
      assertThat(head.first("Content-Type")).contains("application/problem+json");
      assertThat(never).isCancelled();
    }
  }

  @Test
  void timeouts_are_validated_with_the_field_and_the_value() {
    TestGateway gateway = TestGateway.text(200, "x");
    assertThatThrownBy(() -> GatehouseServlet.builder(gateway).drainTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("drainTimeout: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> GatehouseFilter.builder(gateway).asyncTimeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("asyncTimeout: PT-0.005S (expected: >= 0; 0 for none)");
    assertThatThrownBy(() -> GatehouseServlet.of(null)).isInstanceOf(NullPointerException.class).hasMessage("gateway");
    assertThatThrownBy(() -> GatehouseFilter.builder(gateway).onNoRoute(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("noRoute");
  }
}
