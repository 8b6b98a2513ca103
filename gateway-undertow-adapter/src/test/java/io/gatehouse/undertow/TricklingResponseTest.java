package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.EOFException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A trickling upstream body through the whole gateway, on every mount: the route's
 * {@link ExchangeDeadline} cuts the client's response (the body never ends as if whole) and the
 * upstream connection. The route's {@code timeout} alone would let it run its 3 s. Bounded to
 * about 1.5 s per mount.
 */
class TricklingResponseTest {
  private static final String TRICKLE = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"
      + ("x" + RawUpstream.PAUSE).repeat(20);

  @ParameterizedTest
  @EnumSource(Mount.class)
  void the_exchange_deadline_aborts_the_clients_response_and_cuts_the_upstream(Mount mount) throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().route("all", r -> r.path("/**").upstream(upstream.url())
            .timeout(Duration.ofSeconds(3)).exchangeDeadline(ExchangeDeadline.of(Duration.ofMillis(900)))).build();
        Mount.Running running = mount.start(gateway)) {
      upstream.script(TRICKLE);
      try (RawHttp client = RawHttp.connect(running.port())) {
        long start = System.nanoTime();
        client.send("GET " + mount.target("/stream") + " HTTP/1.1\r\nHost: gw\r\n\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.status()).isEqualTo(200);
        assertThatThrownBy(() -> client.readBody(head)).isInstanceOf(EOFException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(800L, 2_500L);
      }
      assertThat(upstream.scriptedConnectionClosed().get(5, TimeUnit.SECONDS)).as("the upstream connection is cut").isTrue();
    }
  }
}
