package io.gatehouse.impl.upstream;

import static io.gatehouse.testing.transport.TransportCalls.assertKind;
import static io.gatehouse.testing.transport.TransportCalls.await;
import static io.gatehouse.testing.transport.TransportCalls.body;
import static io.gatehouse.testing.transport.TransportCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.testing.transport.TransportCalls;
import io.gatehouse.upstream.ConnectionPool;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Connection lifetime and name resolution, over real sockets. (Pool exhaustion is the TIMEOUTS
 * item of the transport conformance kit.)
 */
class PoolAndDnsTest {

  @Test
  void traffic_moves_to_a_changed_address_once_the_connection_lifetime_has_passed() throws Exception {
    AtomicReference<String> address = new AtomicReference<>("127.0.0.1");
    try (RawUpstream a = RawUpstream.startOn(InetAddress.getByName("127.0.0.1"), 0, c -> serve(c, "a"));
        RawUpstream b = RawUpstream.startOn(InetAddress.getByName("127.0.0.2"), a.port(), c -> serve(c, "b"));
        HttpClientTransport transport = HttpClientTransport.create(TransportSettings.of(
                ConnectionPool.defaults().maxLifetime(Duration.ofMillis(300))).withIoThreads(1),
            host -> new InetAddress[] {InetAddress.getByName(address.get())}, Duration.ofMillis(50))) {
      URI origin = URI.create("http://svc.test:" + a.port());
      assertThat(body(await(transport.send(TransportCalls.get(origin, "/1"))))).asString().isEqualTo("a");
      address.set("127.0.0.2");
      assertThat(body(await(transport.send(TransportCalls.get(origin, "/2"))))).as("within the lifetime").asString().isEqualTo("a");

      Thread.sleep(400);

      assertThat(body(await(transport.send(TransportCalls.get(origin, "/3"))))).asString().isEqualTo("b");
      assertThat(a.acceptedConnections()).isEqualTo(1);
      assertThat(b.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void a_hanging_resolver_times_out_without_holding_up_other_names() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (RawUpstream upstream = RawUpstream.start(c -> serve(c, "ok"));
        HttpClientTransport transport = HttpClientTransport.create(TransportSettings.of(
                ConnectionPool.defaults().resolveTimeout(Duration.ofMillis(300))).withIoThreads(1),
            host -> {
              if (host.equals("hangs.test")) {
                try {
                  release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  throw new UnknownHostException(host + ": interrupted");
                }
              }
              return new InetAddress[] {InetAddress.getLoopbackAddress()};
            })) {
      CompletableFuture<Response> hanging =
          transport.send(TransportCalls.get(URI.create("http://hangs.test:" + upstream.port()), "/")).toCompletableFuture();

      long start = System.nanoTime();
      Response other = await(transport.send(TransportCalls.get(URI.create("http://fine.test:" + upstream.port()), "/")));
      assertThat(other.status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));

      UpstreamException e = failure(hanging);
      assertKind(e, Kind.CONNECT_TIMEOUT);
      assertThat(e).hasMessageContaining("resolving 'hangs.test' timed out");
      assertThat(e.getCause()).isInstanceOf(UnknownHostException.class);
      release.countDown();
    }
  }

  @Test
  void a_name_that_did_not_resolve_fails_at_once_for_the_negative_ttl_then_is_tried_again() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    ManualClock clock = ManualClock.create(); // the DNS cache's TTLs run on the gateway's time
    try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.of(
            ConnectionPool.defaults().negativeDnsTtl(Duration.ofMillis(300))).withIoThreads(1),
        host -> {
          lookups.incrementAndGet();
          throw new UnknownHostException(host);
        }, AsyncDns.DEFAULT_POSITIVE_TTL, clock)) {
      URI origin = URI.create("http://gone.test:8080");
      for (int i = 0; i < 3; i++) {
        UpstreamException e = failure(transport.send(TransportCalls.get(origin, "/")));
        assertKind(e, Kind.CONNECT_REFUSED);
        assertThat(e).hasMessageContaining("'gone.test' did not resolve");
      }
      assertThat(lookups).hasValue(1);

      clock.advance(Duration.ofMillis(299));
      failure(transport.send(TransportCalls.get(origin, "/")));
      assertThat(lookups).as("a millisecond before the negative TTL ends").hasValue(1);
      clock.advance(Duration.ofMillis(1));
      failure(transport.send(TransportCalls.get(origin, "/")));

      assertThat(lookups).hasValue(2);
    }
  }

  @Test
  void names_resolve_on_gatehouse_dns_threads_that_close_stops() throws Exception {
    AtomicReference<String> resolvedOn = new AtomicReference<>();
    HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1), host -> {
      resolvedOn.set(Thread.currentThread().getName());
      throw new UnknownHostException(host);
    });
    failure(transport.send(TransportCalls.get(URI.create("http://any.test:8080"), "/")));
    assertThat(resolvedOn.get()).startsWith("gatehouse-dns-");

    transport.close();

    for (int i = 0; i < 200 && dnsThreadsAlive(); i++) {
      Thread.sleep(10);
    }
    assertThat(dnsThreadsAlive()).isFalse();
  }

  private static boolean dnsThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith("gatehouse-dns-"));
  }

  private static void serve(RawUpstream.Connection c, String body) throws Exception {
    String head;
    while ((head = c.readHead()) != null) {
      c.readBody(head);
      c.write("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }
  }
}
