package io.gatehouse.undertow.upstream;

import static io.gatehouse.testing.transport.TransportCalls.assertKind;
import static io.gatehouse.testing.transport.TransportCalls.await;
import static io.gatehouse.testing.transport.TransportCalls.body;
import static io.gatehouse.testing.transport.TransportCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.testing.transport.TransportCalls;
import io.gatehouse.upstream.ConnectionPool;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/** What only the same-thread transport has: threads, the pool shared across them, its resolver. */
class IoThreadTransportTest {
  private XnioWorker worker;

  @BeforeEach
  void startWorker() throws Exception {
    worker = Xnio.getInstance().createWorker(OptionMap.builder()
        .set(Options.WORKER_IO_THREADS, 2)
        .set(Options.WORKER_TASK_CORE_THREADS, 1)
        .set(Options.WORKER_TASK_MAX_THREADS, 1)
        .getMap());
  }

  @AfterEach
  void stopWorker() {
    worker.shutdownNow();
  }

  @Test
  void a_call_on_another_thread_waits_for_the_origins_only_connection_and_runs_once_it_is_released() throws Exception {
    assertThat(worker.getIoThread(0)).isNotSameAs(worker.getIoThread(1));
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger open = new AtomicInteger();
    AtomicInteger mostOpen = new AtomicInteger();
    IoThreadTransport transport = new IoThreadTransport(
        ConnectionPool.defaults().maxPerOrigin(1).acquireTimeout(Duration.ofSeconds(5)), IoThreadTransportTest::lookup);
    try (transport; RawUpstream upstream = RawUpstream.start(c -> {
      mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      try {
        for (String head = c.readHead(); head != null; head = c.readHead()) {
          if (head.contains("/hold")) {
            release.await(10, TimeUnit.SECONDS);
          }
          c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
      } finally {
        open.decrementAndGet();
      }
    })) {
      CompletableFuture<Response> holder = onThread(0, () -> transport.send(TransportCalls.get(upstream.origin(), "/hold")));
      upstream.nextHead();
      CompletableFuture<Response> waiter = onThread(1, () -> transport.send(TransportCalls.get(upstream.origin(), "/next")));
      Thread.sleep(200);

      assertThat(waiter).isNotDone();
      assertThat(transport.poolStatus().orElseThrow().pending()).isEqualTo(1);
      release.countDown();

      assertThat(body(await(holder))).asString().isEqualTo("ok");
      assertThat(body(await(waiter))).asString().isEqualTo("ok");
      assertThat(mostOpen.get()).as("connections open at once").isEqualTo(1);
      assertThat(upstream.acceptedConnections()).as("each thread has its own connection").isEqualTo(2);
    }
  }

  @Test
  void sends_only_from_an_io_thread_and_only_to_plain_http() throws Exception {
    try (IoThreadTransport transport = new IoThreadTransport(ConnectionPool.defaults(), IoThreadTransportTest::lookup)) {
      UpstreamCall call = TransportCalls.get(URI.create("http://127.0.0.1:9"), "/");

      assertThatThrownBy(() -> transport.send(call))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(Thread.currentThread().getName())
          .hasMessageContaining("expected: an XNIO I/O thread");
      CompletableFuture<Response> https =
          onThread(0, () -> transport.send(TransportCalls.get(URI.create("https://127.0.0.1:9"), "/")));
      assertThat(https).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
          .havingRootCause().isInstanceOf(IllegalArgumentException.class)
          .withMessageContaining("origin: 'https://127.0.0.1:9' (expected: http");
    }
  }

  @Test
  void the_provider_takes_plain_http_calls_made_on_an_io_thread_only() throws Exception {
    IoThreadTransports provider = new IoThreadTransports();
    UpstreamCall http = TransportCalls.get(URI.create("http://orders:8080"), "/");
    UpstreamCall https = TransportCalls.get(URI.create("https://orders:8443"), "/");

    assertThat(provider.accepts(http)).isFalse();
    assertThat(onThread(0, () -> CompletableFuture.completedFuture(provider.accepts(http))).get(5, TimeUnit.SECONDS))
        .isTrue();
    assertThat(onThread(0, () -> CompletableFuture.completedFuture(provider.accepts(https))).get(5, TimeUnit.SECONDS))
        .isFalse();
  }

  @Test
  void host_names_resolve_through_the_given_resolver_once_per_new_connection() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    Function<String, CompletionStage<InetAddress>> resolver = host -> {
      asked.add(host);
      return lookup(host);
    };
    try (IoThreadTransport transport = new IoThreadTransport(ConnectionPool.defaults(), resolver);
        RawUpstream upstream = RawUpstream.keepAlive("named")) {
      URI byName = URI.create("http://localhost:" + upstream.port());
      for (String target : List.of("/1", "/2")) {
        Response response = await(onThread(0, () -> transport.send(TransportCalls.get(byName, target))));
        assertThat(body(response)).asString().isEqualTo("named");
      }

      assertThat(asked).containsExactly("localhost");
      assertThat(upstream.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void a_name_that_does_not_resolve_is_CONNECT_REFUSED_and_one_that_resolves_too_slowly_CONNECT_TIMEOUT() throws Exception {
    Function<String, CompletionStage<InetAddress>> resolver = host -> host.startsWith("slow")
        ? CompletableFuture.failedFuture(new TimeoutException("no answer in 200 ms"))
        : CompletableFuture.failedFuture(new UnknownHostException(host));
    try (IoThreadTransport transport = new IoThreadTransport(ConnectionPool.defaults(), resolver)) {
      assertKind(failure(onThread(0, () -> transport.send(TransportCalls.get(URI.create("http://nowhere.invalid"), "/")))),
          Kind.CONNECT_REFUSED);
      assertKind(failure(onThread(0, () -> transport.send(TransportCalls.get(URI.create("http://slow.invalid"), "/")))),
          Kind.CONNECT_TIMEOUT);
    }
  }

  @Test
  void a_closed_transport_refuses_calls_and_closes_its_idle_connections() throws Exception {
    IoThreadTransport transport = new IoThreadTransport(ConnectionPool.defaults(), IoThreadTransportTest::lookup);
    try (RawUpstream upstream = RawUpstream.start(c -> {
      for (String head = c.readHead(); head != null; head = c.readHead()) {
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
    })) {
      body(await(onThread(0, () -> transport.send(TransportCalls.get(upstream.origin(), "/")))));
      assertThat(transport.poolStatus().orElseThrow().available()).isEqualTo(1);

      transport.close();

      assertThat(transport.poolStatus().orElseThrow().available()).isZero();
      assertKind(failure(onThread(0, () -> transport.send(TransportCalls.get(upstream.origin(), "/")))),
          Kind.CONNECT_REFUSED);
    }
  }

  private <T> CompletableFuture<T> onThread(int index, Supplier<CompletionStage<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    worker.getIoThread(index).execute(() -> {
      try {
        call.get().whenComplete((value, failure) -> {
          if (failure != null) {
            result.completeExceptionally(failure);
          } else {
            result.complete(value);
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private static CompletionStage<InetAddress> lookup(String host) {
    try {
      return CompletableFuture.completedFuture(InetAddress.getByName(host));
    } catch (UnknownHostException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
