package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.raw.GeneratedBody;
import io.gatehouse.testing.raw.RawHttp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CancellationTest {
  private GatewayServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  /** A future that records being cancelled, as a gateway's upstream call would. */
  static final class Upstream extends CompletableFuture<Response> {
    final CountDownLatch cancelled = new CountDownLatch(1);

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled.countDown();
      return super.cancel(mayInterruptIfRunning);
    }
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertThat(latch.await(10, TimeUnit.SECONDS)).as(what).isTrue();
  }

  @Test
  void client_leaving_while_the_gateway_works_cancels_its_future() throws Exception {
    Upstream upstream = new Upstream();
    CountDownLatch called = new CountDownLatch(1);
    server = Servers.start(TestGateway.async(r -> {
      called.countDown();
      return upstream;
    }));
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
      await(called, "the gateway was called");
    }

    await(upstream.cancelled, "handle()'s future was cancelled");
  }

  @Test
  void client_leaving_mid_request_body_fails_the_body_and_cancels_the_future() throws Exception {
    Upstream upstream = new Upstream();
    AtomicLong received = new AtomicLong();
    AtomicReference<Throwable> bodyError = new AtomicReference<>();
    CountDownLatch bodyFailed = new CountDownLatch(1);
    server = Servers.start(TestGateway.async(r -> {
      r.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ByteBuffer item) {
          received.addAndGet(item.remaining());
        }

        @Override
        public void onError(Throwable t) {
          bodyError.set(t);
          bodyFailed.countDown();
        }

        @Override
        public void onComplete() {}
      });
      return upstream;
    }));
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n");
      client.send(new byte[1000]);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.get() < 1000 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(received.get()).isEqualTo(1000);
    }

    await(bodyFailed, "the request body subscriber got onError");
    await(upstream.cancelled, "handle()'s future was cancelled");
  }

  @Test
  void client_leaving_mid_response_body_cancels_the_body_subscription() throws Exception {
    GeneratedBody endless = new GeneratedBody(-1, 3);
    server = Servers.start(TestGateway.respond(r -> Response.builder(200).body(Body.ofPublisher(endless, -1)).build()));
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n");
      assertThat(client.readHead().status()).isEqualTo(200);
      client.readExactly(100_000);
    }

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!endless.cancelled() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(endless.cancelled()).as("the response body's subscription was cancelled").isTrue();
  }

  @Test
  void client_leaving_while_the_response_body_waits_for_its_upstream_cancels_it() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    Flow.Publisher<ByteBuffer> stalled = s -> s.onSubscribe(new Flow.Subscription() {
      boolean first = true;

      @Override
      public void request(long n) {
        if (first) { // one chunk, then the upstream goes quiet
          first = false;
          s.onNext(ByteBuffer.wrap("first".getBytes(StandardCharsets.UTF_8)));
        }
      }

      @Override
      public void cancel() {
        cancelled.countDown();
      }
    });
    server = Servers.start(TestGateway.respond(r -> Response.builder(200).body(Body.ofPublisher(stalled, -1)).build()));
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("GET /stalled HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      StringBuilder seen = new StringBuilder();
      while (!seen.toString().endsWith("first")) { // the first chunk arrives though the body has not ended
        seen.append((char) client.readExactly(1)[0]);
      }
    }

    await(cancelled, "the stalled body's subscription was cancelled");
  }

  @Test
  void a_pipelined_request_is_not_mistaken_for_the_client_leaving() throws Exception {
    Upstream first = new Upstream();
    CountDownLatch firstCalled = new CountDownLatch(1);
    server = Servers.start(TestGateway.async(r -> {
      if (r.path().equals("/first")) {
        firstCalled.countDown();
        return first;
      }
      return CompletableFuture.completedFuture(Response.builder(200).body(Body.of("second")).build());
    }));
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n");
      await(firstCalled, "the first request reached the gateway");
      client.send("GET /second HTTP/1.1\r\nHost: t\r\n\r\n"); // pipelined while the first is pending
      Thread.sleep(200);
      first.complete(Response.builder(200).body(Body.of("first")).build());

      RawHttp.Head h1 = client.readHead();
      assertThat(new String(client.readBody(h1), StandardCharsets.UTF_8)).isEqualTo("first");
      RawHttp.Head h2 = client.readHead();
      assertThat(new String(client.readBody(h2), StandardCharsets.UTF_8)).isEqualTo("second");
    }
    assertThat(first.cancelled.getCount()).isEqualTo(1);
  }
  @Test
  void a_request_body_subscribed_after_the_exchange_ended_fails_without_harming_the_connection() throws Exception {
    AtomicReference<Body> stashed = new AtomicReference<>();
    server = Servers.start(TestGateway.respond(r -> {
      if (r.path().equals("/early")) {
        stashed.set(r.body()); // answer without reading the body
      }
      return Response.builder(200).body(Body.of(r.path())).build();
    }));
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("POST /early HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
      RawHttp.Head first = client.readHead();
      assertThat(new String(client.readBody(first), StandardCharsets.UTF_8)).isEqualTo("/early");

      CompletableFuture<byte[]> late = stashed.get().bytes(1024).toCompletableFuture();
      assertThat(late).failsWithin(Duration.ofSeconds(10));

      client.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head second = client.readHead();
      assertThat(new String(client.readBody(second), StandardCharsets.UTF_8)).isEqualTo("/next");
    }
  }
}
