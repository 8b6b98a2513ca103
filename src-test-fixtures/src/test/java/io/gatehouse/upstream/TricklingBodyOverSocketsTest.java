package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.testing.UpstreamServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A response body that trickles, from an {@link UpstreamServer} over real sockets, held to the route's
 * {@link ExchangeDeadline}: the body is aborted (never ended as if whole) and the upstream
 * connection cut; before the head, 504; a route that opts out streams on. Each case is bounded
 * to about 2 s. Also: an upstream's {@code Retry-After} over sockets.
 */
class TricklingBodyOverSocketsTest {
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  /**
   * An upstream on a real socket whose body trickles: after {@code headDelay}, a head with
   * Content-Length, then one byte per {@code every}. The server writes each byte as it comes and
   * stops, cancelling the body, when the gateway has cut the connection.
   */
  private final class Trickler implements AutoCloseable {
    final UpstreamServer server = UpstreamServer.start();
    /** How long the body lasted: until the connection was cut, or to its end. */
    final CompletableFuture<Long> cutAfterMillis = new CompletableFuture<>();
    private final CompletableFuture<ChunkPublisher> body = new CompletableFuture<>();

    Trickler(Duration headDelay, int length, Duration every) {
      closeables.add(this);
      server.delay(headDelay).respondWith(request -> {
        ChunkPublisher trickle = ChunkPublisher.paced(length, (byte) 'x', every);
        trickle.endedAfterMillis.thenAccept(cutAfterMillis::complete);
        body.complete(trickle);
        return Response.builder(200).body(Body.ofPublisher(trickle, length)).build();
      });
    }

    String url() {
      return server.url();
    }

    /** The body bytes sent so far. */
    long sent() {
      return body.isDone() ? body.join().emitted() : 0;
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private Gateway gateway(Gateway.Builder builder) {
    Gateway g = builder.build();
    closeables.add(g);
    return g;
  }

  private static Response send(Gateway g) throws Exception {
    return g.handle(Request.builder("GET", "/stream").build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_whole_exchange_deadline_aborts_a_trickling_body_and_cuts_the_upstream() throws Exception {
    Trickler up = new Trickler(Duration.ZERO, 100, Duration.ofMillis(200));
    CompletableFuture<RequestRecord> record = new CompletableFuture<>();
    Gateway g = gateway(Gateway.builder().observer(record::complete).route("s", r -> r.path("/**").upstream(up.url())
        .timeout(Duration.ofSeconds(3)).exchangeDeadline(ExchangeDeadline.of(Duration.ofMillis(1_200)))));
    long start = System.nanoTime();
    Response res = send(g);
    assertThat(res.status()).isEqualTo(200);
    CompletableFuture<byte[]> body = res.body().bytes(1_000).toCompletableFuture();
    assertThat(body).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
        .withMessageContaining("deadline of PT1.2S");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(millis).isBetween(1_100L, 2_500L);
    assertThat(up.cutAfterMillis.get(3, TimeUnit.SECONDS)).as("the upstream connection is cut").isLessThan(2_800L);
    assertThat(up.sent()).isLessThan(100);
    assertThat(record.get(3, TimeUnit.SECONDS).rejection()).as("the record says the body was cut")
        .contains(Rejection.UPSTREAM_FAILED);
  }

  @Test
  void a_minimum_body_rate_aborts_a_body_slower_than_it() throws Exception {
    Trickler up = new Trickler(Duration.ZERO, 100, Duration.ofMillis(300));
    Gateway g = gateway(Gateway.builder().route("s", r -> r.path("/**").upstream(up.url())
        .exchangeDeadline(ExchangeDeadline.none().minBodyRate(10, Duration.ofMillis(600)))));
    long start = System.nanoTime();
    Response res = send(g);
    assertThat(res.body().bytes(1_000).toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class).withMessageContaining("under its minimum of 10 B/s");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(550L, 2_000L);
    assertThat(up.cutAfterMillis.get(3, TimeUnit.SECONDS)).isLessThan(2_800L);
  }

  @Test
  void before_the_head_the_whole_exchange_deadline_gives_504() throws Exception {
    Trickler up = new Trickler(Duration.ofSeconds(2), 1, Duration.ofMillis(100));
    Gateway g = gateway(Gateway.builder().route("s", r -> r.path("/**").upstream(up.url())
        .timeout(Duration.ofSeconds(3)).exchangeDeadline(ExchangeDeadline.of(Duration.ofMillis(600)))));
    long start = System.nanoTime();
    Response res = send(g);
    assertThat(res.status()).isEqualTo(504);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(550L, 1_800L);
  }

  @Test
  void a_route_that_opts_out_of_the_gateway_default_streams_to_the_end() throws Exception {
    Trickler up = new Trickler(Duration.ZERO, 5, Duration.ofMillis(150));
    Gateway g = gateway(Gateway.builder().exchangeDeadline(ExchangeDeadline.of(Duration.ofMillis(300)).minBodyRate(1_000, Duration.ofMillis(100)))
        .route("events", r -> r.path("/**").upstream(up.url()).exchangeDeadline(ExchangeDeadline.none())));
    Response res = send(g);
    assertThat(res.body().bytes(1_000).toCompletableFuture().get(5, TimeUnit.SECONDS)).asString().isEqualTo("xxxxx");
  }

  @Test
  void a_body_within_its_limits_ends_whole() throws Exception {
    // Ten bytes over 1.5 s against 1 B/s checked from 0.3 s on: the rate is checked while the body
    // flows (at 0.3 s and 1.3 s), with margins a loaded 2-core machine keeps.
    Trickler up = new Trickler(Duration.ZERO, 10, Duration.ofMillis(150));
    Gateway g = gateway(Gateway.builder().route("s", r -> r.path("/**").upstream(up.url())
        .exchangeDeadline(ExchangeDeadline.of(Duration.ofSeconds(6)).minBodyRate(1, Duration.ofMillis(300)))));
    assertThat(send(g).body().bytes(1_000).toCompletableFuture().get(10, TimeUnit.SECONDS)).asString().isEqualTo("xxxxxxxxxx");
  }

  @Test
  void an_upstreams_retry_after_holds_the_retry_to_the_same_target() throws Exception {
    UpstreamServer up = UpstreamServer.start();
    closeables.add(up);
    List<Long> at = new CopyOnWriteArrayList<>();
    up.respondWith(req -> {
      at.add(System.nanoTime());
      return at.size() == 1 ? Response.builder(503).header("Retry-After", "1").body(Body.of("busy")).build()
          : Response.builder(200).body(Body.of("ok")).build();
    });
    Gateway g = gateway(Gateway.builder().route("s", r -> r.path("/**").upstream(up.url())
        .timeout(Duration.ofSeconds(3)).retry(Retry.times(1).backoff(Duration.ofMillis(5), Duration.ofMillis(5)))));
    Response res = send(g);
    assertThat(res.status()).isEqualTo(200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(1) - at.get(0))).isBetween(990L, 2_500L);
  }
}
