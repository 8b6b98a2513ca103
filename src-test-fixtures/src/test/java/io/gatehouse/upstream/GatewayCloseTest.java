package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.UpstreamServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Gateway.close()} over real sockets: every thread the gateway started ends, and every
 * connection it opened to an upstream is closed.
 */
class GatewayCloseTest {
  /** Threads the gateway starts: its own, named {@code gatehouse-*}, and httpclient5's idle evictor. */
  private static final List<String> GATEWAY_THREADS = List.of("gatehouse-", "idle-connection-evictor");

  private final UpstreamServer server = UpstreamServer.start();

  @AfterEach
  void closeServer() {
    server.close();
  }

  @Test
  void close_leaves_no_thread_or_connection_behind() throws Exception {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    Gateway gateway = Gateway.builder()
        .route("orders", r -> r.path("/**")
            .upstream(Upstream.discover(() -> List.of(Target.of(server.url())), Duration.ofMillis(100))
                .healthCheck(HealthCheck.http("/health").interval(Duration.ofMillis(100)).timeout(Duration.ofMillis(500))))
            .retry(Retry.times(2))
            .timeout(Duration.ofSeconds(2)))
        .build();
    try {
      assertThat(await(Duration.ofSeconds(3), () -> available(gateway) == 1))
          .as("the discovered target takes traffic; now %s", gateway.upstreams()).isTrue();
      for (int i = 0; i < 20; i++) {
        assertThat(status(gateway, "/orders/" + i)).isEqualTo(200);
      }
      // Positive controls: the gateway did start threads, and holds kept-alive connections to the server.
      assertThat(newGatewayThreads(before)).as("threads the gateway started").isNotEmpty();
      assertThat(server.openConnections()).as("connections the server holds open for the gateway").isPositive();
    } finally {
      gateway.close();
    }

    assertThat(await(Duration.ofSeconds(5), () -> newGatewayThreads(before).isEmpty()))
        .as("gateway threads alive 5 s after close(): %s", newGatewayThreads(before)).isTrue();
    assertThat(await(Duration.ofSeconds(5), () -> server.openConnections() == 0))
        .as("connections still open to the server 5 s after close(): %d", server.openConnections()).isTrue();
  }

  @ParameterizedTest(name = "route with {0}")
  @ValueSource(strings = {"nothing", "a timeout"})
  void a_request_in_flight_at_close_gets_a_5xx(String resilience) throws Exception {
    assertThat(inFlightAtClose(resilience)).succeedsWithin(Duration.ofSeconds(5))
        .satisfies(r -> assertThat(r.status()).as("%s", r).isBetween(500, 599));
  }

  @ParameterizedTest(name = "route with {0}")
  @ValueSource(strings = {"retries", "retries and a timeout"})
  void a_retried_request_in_flight_at_close_gets_a_5xx(String resilience) throws Exception {
    assertThat(inFlightAtClose(resilience)).succeedsWithin(Duration.ofSeconds(5))
        .satisfies(r -> assertThat(r.status()).as("%s", r).isBetween(500, 599));
  }

  @Test
  void a_request_after_close_gets_a_5xx() throws Exception {
    Gateway gateway = gateway("nothing");
    gateway.close();

    assertThat(gateway.handle(Request.builder("GET", "/orders/1").build()).toCompletableFuture())
        .succeedsWithin(Duration.ofSeconds(2))
        .satisfies(r -> assertThat(r.status()).as("%s", r).isBetween(500, 599));
  }

  @ParameterizedTest(name = "route with {0}")
  @ValueSource(strings = {"a timeout", "retries", "retries and a timeout"})
  void a_request_after_close_on_a_route_with_retries_or_a_timeout_gets_a_5xx(String resilience) throws Exception {
    Gateway gateway = gateway(resilience);
    gateway.close();

    assertThat(gateway.handle(Request.builder("GET", "/orders/1").build()).toCompletableFuture())
        .succeedsWithin(Duration.ofSeconds(2))
        .satisfies(r -> assertThat(r.status()).as("%s", r).isBetween(500, 599));
  }

  // --- helpers ---

  /** A gateway whose one route goes to the server, with the named resilience. */
  private Gateway gateway(String resilience) {
    return Gateway.builder()
        .route("orders", r -> {
          r.path("/**").upstream(server.url());
          if (resilience.contains("retries")) {
            r.retry(Retry.times(2));
          }
          if (resilience.contains("timeout")) {
            r.timeout(Duration.ofSeconds(5));
          }
        })
        .build();
  }

  /** Starts a request that the server holds for 3 s, closes the gateway while it waits, and returns the answer to come. */
  private CompletableFuture<Response> inFlightAtClose(String resilience) {
    server.delay(Duration.ofSeconds(3));
    Gateway gateway = gateway(resilience);
    try {
      CompletableFuture<Response> answer = gateway.handle(Request.builder("GET", "/orders/1").build()).toCompletableFuture();
      assertThat(server.awaitRequests(1, Duration.ofSeconds(5))).as("the request reached the server").isTrue();
      return answer;
    } finally {
      gateway.close();
    }
  }

  private static int status(Gateway gateway, String path) throws Exception {
    Response response = gateway.handle(Request.builder("GET", path).build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    response.body().bytes(1 << 20).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return response.status();
  }

  private static long available(Gateway gateway) {
    return gateway.upstreams().stream().mapToLong(UpstreamStatus::available).sum();
  }

  /** Live threads that were not there before and that the gateway started. */
  private static Set<String> newGatewayThreads(Set<Thread> before) {
    Set<String> names = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !before.contains(t) && GATEWAY_THREADS.stream().anyMatch(p -> t.getName().startsWith(p))) {
        names.add(t.getName());
      }
    }
    return names;
  }

  private static boolean await(Duration timeout, BooleanSupplier condition) {
    return Poll.within(timeout).until(condition::getAsBoolean, Boolean::booleanValue);
  }
}
