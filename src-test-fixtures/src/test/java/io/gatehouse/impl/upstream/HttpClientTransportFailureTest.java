package io.gatehouse.impl.upstream;

import static io.gatehouse.testing.transport.TransportCalls.assertKind;
import static io.gatehouse.testing.transport.TransportCalls.await;
import static io.gatehouse.testing.transport.TransportCalls.body;
import static io.gatehouse.testing.transport.TransportCalls.bodyFailure;
import static io.gatehouse.testing.transport.TransportCalls.call;
import static io.gatehouse.testing.transport.TransportCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.testing.transport.TransportCalls;
import io.gatehouse.testing.raw.RefusingPort;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only this transport does on failure: its messages, its resolver, its threads, close() and
 * the checks of send(). Real sockets on 127.0.0.1 only. Timeouts, cancellation and the failure
 * kinds every transport shares are items of the transport conformance kit, run against this
 * transport by HttpClientTransportConformanceTest beside this one.
 */
class HttpClientTransportFailureTest {
  private static final Duration SHORT = Duration.ofMillis(400);
  private HttpClientTransport transport;

  @BeforeEach
  void startTransport() {
    transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
  }

  @AfterEach
  void closeTransport() {
    transport.close();
  }

  @Test
  void maps_connection_refused_to_CONNECT_REFUSED() throws Exception {
    try (RefusingPort refusing = RefusingPort.open()) {
      int port = refusing.port();

      UpstreamException e = failure(transport.send(TransportCalls.get(URI.create("http://127.0.0.1:" + port), "/")));

      assertKind(e, Kind.CONNECT_REFUSED);
      assertThat(e).hasMessageContaining("GET http://127.0.0.1:" + port + "/");
    }
  }

  @Test
  void maps_unknown_host_to_CONNECT_REFUSED() {
    // A resolver that knows no names: a real lookup could leave the machine.
    try (HttpClientTransport noNames = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1),
        host -> {
          throw new UnknownHostException(host);
        })) {

      UpstreamException e = failure(noNames.send(TransportCalls.get(URI.create("http://orders.invalid:8080"), "/x")));

      assertKind(e, Kind.CONNECT_REFUSED);
      assertThat(e.getCause()).isInstanceOf(UnknownHostException.class);
    }
  }

  @Test
  void close_stops_every_thread_is_idempotent_and_later_calls_fail() throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    HttpClientTransport closing = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(2));
    try (RawUpstream upstream = RawUpstream.keepAlive("ok")) {
      body(await(closing.send(TransportCalls.get(upstream.origin(), "/"))));
      assertThat(transportThreads(before, closing))
          .anyMatch(name -> name.startsWith(closing.threadNamePrefix()))
          .anyMatch(name -> name.startsWith("idle-connection-evictor"));

      closing.close();
      closing.close();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!transportThreads(before, closing).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(transportThreads(before, closing)).isEmpty();
      UpstreamException e = failure(closing.send(TransportCalls.get(upstream.origin(), "/")));
      assertKind(e, Kind.CONNECT_REFUSED);
      assertThat(e).hasMessageContaining("closed");
    }
  }

  @Test
  void close_with_a_call_in_flight_returns_promptly_and_fails_the_call() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    HttpClientTransport closing = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
    try (RawUpstream upstream = RawUpstream.start(c -> {
      c.readHead();
      done.await(10, TimeUnit.SECONDS); // never answers
    })) {
      CompletionStage<Response> inFlight = closing.send(TransportCalls.get(upstream.origin(), "/"));
      upstream.nextHead();

      long start = System.nanoTime();
      closing.close();

      // Graceful for at most a second, then immediate; the 5 s response timeout plays no part.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      UpstreamException e = failure(inFlight);
      assertKind(e, Kind.CONNECTION_RESET);
      done.countDown();
    } finally {
      closing.close();
    }
  }

  @Test
  void close_fails_a_response_body_still_streaming() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    HttpClientTransport closing = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
    try (RawUpstream upstream = RawUpstream.start(c -> {
      c.readHead();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..");
      done.await(10, TimeUnit.SECONDS);
    })) {
      Response response = await(closing.send(TransportCalls.get(upstream.origin(), "/")));

      closing.close();

      assertKind(bodyFailure(response), Kind.CONNECTION_RESET);
      done.countDown();
    } finally {
      closing.close();
    }
  }

  /**
   * Live threads of that transport: its I/O threads, and an idle evictor started since
   * {@code before}. (Other transports' I/O threads may start late: client.start() is asynchronous.)
   */
  private static List<String> transportThreads(Set<Thread> before, HttpClientTransport transport) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith(transport.threadNamePrefix())
            || !before.contains(t) && t.getName().startsWith("idle-connection-evictor"))
        .map(Thread::getName)
        .collect(Collectors.toList());
  }

  @Test
  void rejects_an_origin_with_a_path_and_non_positive_timeouts() {
    Request request = Request.builder("GET", "/").build();

    assertThatThrownBy(() -> transport.send(TransportCalls.call(URI.create("http://orders:8080/base"), request)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("origin: 'http://orders:8080/base' (expected: ");
    assertThatThrownBy(() -> transport.send(new UpstreamCall(URI.create("ftp://orders"), request,
        Duration.ofSeconds(1), Duration.ofSeconds(1))))
        .hasMessageContaining("origin: 'ftp://orders'");
    assertThatThrownBy(() -> transport.send(new UpstreamCall(URI.create("http://orders"), request,
        Duration.ZERO, Duration.ofSeconds(1))))
        .hasMessage("connectTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> transport.send(new UpstreamCall(URI.create("http://orders"), request,
        Duration.ofSeconds(1), Duration.ofSeconds(-1))))
        .hasMessage("responseTimeout: PT-1S (expected: > 0)");
  }
}
