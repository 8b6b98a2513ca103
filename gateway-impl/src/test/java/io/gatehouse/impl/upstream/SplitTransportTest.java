package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.spi.EventLoopTransports;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.ConnectionPool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The default transport's split: event-loop calls to the provider's transport, the rest to httpclient5. */
class SplitTransportTest {

  /** Takes calls made on threads named "loop-…"; answers 204 and counts what it was given. */
  private static final class LoopProvider implements EventLoopTransports {
    final List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
    final AtomicBoolean closed = new AtomicBoolean();
    Function<String, CompletionStage<InetAddress>> resolver;

    @Override
    public boolean accepts(UpstreamCall call) {
      return Thread.currentThread().getName().startsWith("loop-");
    }

    @Override
    public UpstreamTransport create(ConnectionPool pool, Function<String, CompletionStage<InetAddress>> resolver) {
      this.resolver = resolver;
      return new UpstreamTransport() {
        @Override
        public CompletionStage<Response> send(UpstreamCall call) {
          calls.add(call);
          return CompletableFuture.completedFuture(Response.of(204));
        }

        @Override
        public Optional<ConnectionPoolStatus> poolStatus() {
          return Optional.of(new ConnectionPoolStatus(1, 2, 3, 256));
        }

        @Override
        public void close() {
          closed.set(true);
        }
      };
    }
  }

  @Test
  void calls_the_provider_accepts_go_to_its_transport_and_every_other_call_to_httpclient5() throws Exception {
    LoopProvider provider = new LoopProvider();
    HttpClientTransport client = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
    // A port bound by a socket that never listens: refused, and no other server can take it meanwhile.
    Socket refusing = new Socket();
    refusing.setReuseAddress(false);
    refusing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    UpstreamCall call = new UpstreamCall(URI.create("http://127.0.0.1:" + refusing.getLocalPort()), Request.builder("GET", "/").build(),
        Duration.ofSeconds(1), Duration.ofSeconds(1));
    try (refusing; SplitTransport split = new SplitTransport(client, provider, provider.create(ConnectionPool.defaults(), client::resolve))) {
      CompletableFuture<Response> onLoop = new CompletableFuture<>();
      Thread loop = new Thread(() -> split.send(call).whenComplete((r, f) -> onLoop.complete(r)), "loop-0");
      loop.start();

      assertThat(onLoop.get(5, TimeUnit.SECONDS).status()).isEqualTo(204);
      assertThat(provider.calls).containsExactly(call);
      CompletableFuture<Response> elsewhere = split.send(call).toCompletableFuture();
      assertThat(elsewhere).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOfSatisfying(UpstreamException.class,
              e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.CONNECT_REFUSED));
      assertThat(provider.calls).hasSize(1);
      assertThat(split.poolStatus()).contains(new ConnectionPoolStatus(1, 2, 3, 256));
    }
    assertThat(provider.closed).isTrue();
  }

  @Test
  void the_provider_resolves_names_through_the_gateways_resolver() throws Exception {
    LoopProvider provider = new LoopProvider();
    try (HttpClientTransport client = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1),
        host -> host.equals("orders.test") ? new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})}
            : InetAddress.getAllByName(host))) {
      provider.create(ConnectionPool.defaults(), client::resolve);

      assertThat(provider.resolver.apply("orders.test").toCompletableFuture().get(5, TimeUnit.SECONDS).getHostAddress())
          .isEqualTo("10.0.0.7");
      assertThat(provider.resolver.apply("127.0.0.1").toCompletableFuture().get(5, TimeUnit.SECONDS).getHostAddress())
          .isEqualTo("127.0.0.1");
    }
  }
}
