package io.gatehouse.impl.upstream;

import static io.gatehouse.testing.transport.TransportCalls.assertKind;
import static io.gatehouse.testing.transport.TransportCalls.await;
import static io.gatehouse.testing.transport.TransportCalls.body;
import static io.gatehouse.testing.transport.TransportCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Response;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.testing.transport.TransportCalls;
import io.gatehouse.upstream.ConnectionPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * When the httpclient5 client starts: with the first call that reaches it, or {@code start()};
 * never for a transport nobody calls. Real sockets on 127.0.0.1 only.
 */
class HttpClientTransportStartTest {

  /** The names of the client's threads; two clients would each name theirs from 1, so names would repeat. */
  private static List<String> clientThreads(HttpClientTransport transport) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(transport.threadNamePrefix() + "-") && !t.getName().endsWith("-timer"))
        .map(Thread::getName)
        .toList();
  }

  @Test
  void a_transport_nobody_calls_starts_no_client_and_reports_an_empty_pool() {
    try (HttpClientTransport transport = HttpClientTransport.create(
        TransportSettings.of(ConnectionPool.defaults().maxTotal(77)).withIoThreads(1))) {
      assertThat(transport.started()).isFalse();
      assertThat(clientThreads(transport)).isEmpty();
      assertThat(transport.poolStatus()).hasValue(new ConnectionPoolStatus(0, 0, 0, 77));
      assertThat(transport).hasToString("HttpClientTransport[not started]");
    }
  }

  @Test
  void the_first_call_starts_the_client_and_later_calls_reuse_it() throws Exception {
    try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
        RawUpstream upstream = RawUpstream.keepAlive("ok")) {
      Response first = await(transport.send(TransportCalls.get(upstream.origin(), "/1")));
      assertThat(new String(body(first))).isEqualTo("ok");
      assertThat(transport.started()).isTrue();
      Response second = await(transport.send(TransportCalls.get(upstream.origin(), "/2")));
      assertThat(new String(body(second))).isEqualTo("ok");

      assertThat(upstream.acceptedConnections()).isEqualTo(1);
      assertThat(transport.poolStatus()).get().extracting(ConnectionPoolStatus::available).isEqualTo(1);
    }
  }

  @Test
  void racing_first_calls_start_one_client() throws Exception {
    try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
        RawUpstream upstream = RawUpstream.keepAlive("ok")) {
      List<CompletionStage<Response>> calls = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String path = "/" + i;
        Thread thread = new Thread(() -> {
          CompletionStage<Response> call = transport.send(TransportCalls.get(upstream.origin(), path));
          synchronized (calls) {
            calls.add(call);
          }
        });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join(10_000);
      }
      for (CompletionStage<Response> call : calls) {
        assertThat(new String(body(await(call)))).isEqualTo("ok");
      }
      assertThat(calls).hasSize(8);
      assertThat(clientThreads(transport)).isNotEmpty().doesNotHaveDuplicates();
    }
  }

  @Test
  void start_starts_the_client_before_any_call() {
    try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1))) {
      transport.start();
      transport.start();
      assertThat(transport.started()).isTrue();
    }
  }

  @Test
  void a_transport_closed_before_its_first_call_refuses_calls_and_start() throws Exception {
    HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
    transport.close();
    try (RawUpstream upstream = RawUpstream.keepAlive("ok")) {
      UpstreamException e = failure(transport.send(TransportCalls.get(upstream.origin(), "/")));
      assertKind(e, Kind.CONNECT_REFUSED);
      assertThat(e).hasMessageContaining("closed");
      assertThat(upstream.acceptedConnections()).isZero();
    }
    assertThatThrownBy(transport::start).isInstanceOf(UpstreamException.class).hasMessageContaining("closed");
    assertThat(transport.started()).isFalse();
    assertThat(transport).hasToString("HttpClientTransport[closed]");
  }
}
