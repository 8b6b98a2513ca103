package io.gatehouse.impl.upstream;

import static io.gatehouse.impl.upstream.Calls.assertKind;
import static io.gatehouse.impl.upstream.Calls.await;
import static io.gatehouse.impl.upstream.Calls.body;
import static io.gatehouse.impl.upstream.Calls.call;
import static io.gatehouse.impl.upstream.Calls.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A pooled connection the upstream has closed costs the client nothing, and nothing is sent twice that must not be. */
class StaleConnectionTest {
  private HttpClientTransport transport;

  @BeforeEach
  void start() {
    transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
  }

  @AfterEach
  void stop() {
    transport.close();
  }

  /** How the upstream ends a connection: half-close, full close (FIN), or reset (RST). */
  enum Close {
    HALF, FIN, RST;

    void apply(Socket socket) throws Exception {
      switch (this) {
        case HALF -> socket.shutdownOutput();
        case FIN -> socket.close();
        case RST -> {
          socket.setSoLinger(true, 0);
          socket.close();
        }
      }
    }
  }

  /** Request lines as the upstream received them, over all connections, in order. */
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  private String readHead(RawUpstream.Connection c) throws Exception {
    String head = c.readHead();
    if (head != null) {
      seen.add(head.substring(0, head.indexOf('\r')));
    }
    return head;
  }

  private void serve(RawUpstream.Connection c) throws Exception {
    String head;
    while ((head = readHead(c)) != null) {
      c.readBody(head);
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
  }

  @ParameterizedTest(name = "{0} after {1} ms idle")
  @CsvSource({"HALF, 0", "FIN, 0", "RST, 0", "HALF, 150", "FIN, 150", "RST, 150"})
  void a_connection_the_upstream_closed_while_idle_costs_the_client_nothing(Close close, long idleMillis)
      throws Exception {
    try (RawUpstream upstream = RawUpstream.start(c -> {
      if (connections.incrementAndGet() == 1) {
        String head = readHead(c);
        c.readBody(head);
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
        Thread.sleep(idleMillis);
        close.apply(c.socket);
        if (close == Close.HALF) {
          while (c.in.read() >= 0) {
            // drains what the client may still send, unanswered and unrecorded: no request arrived
          }
        }
      } else {
        serve(c);
      }
    })) {
      assertThat(body(await(transport.send(Calls.get(upstream.origin(), "/1"))))).asString().isEqualTo("one");
      Thread.sleep(idleMillis + 150);

      Response second = await(transport.send(Calls.get(upstream.origin(), "/2")));

      assertThat(second.status()).isEqualTo(200);
      assertThat(body(second)).asString().isEqualTo("ok");
      assertThat(seen).containsExactly("GET /1 HTTP/1.1", "GET /2 HTTP/1.1");
    }
  }

  /** The first connection answers /1, then reads the next request and goes away without a byte. */
  private RawUpstream closingAfterRequest(Close close) throws Exception {
    return RawUpstream.start(c -> {
      if (connections.incrementAndGet() == 1) {
        String head = readHead(c);
        c.readBody(head);
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
        head = readHead(c);
        if (head != null) {
          c.readBody(head);
        }
        close.apply(c.socket);
      } else {
        serve(c);
      }
    });
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"FIN, GET", "RST, GET", "FIN, DELETE", "FIN, POST", "RST, POST", "FIN, PUT", "FIN, PATCH"})
  void a_request_lost_on_a_reused_connection_is_sent_once_more_on_a_new_one(Close close, String method)
      throws Exception {
    try (RawUpstream upstream = closingAfterRequest(close)) {
      await(await(transport.send(Calls.get(upstream.origin(), "/1"))).body().bytes(100));
      awaitPooled(transport);
      Request request = method.equals("GET") || method.equals("DELETE")
          ? Request.builder(method, "/2").build()
          : Request.builder(method, "/2").body(Body.of("{\"n\":2}")).build();

      Response response = await(transport.send(call(upstream.origin(), request)));

      assertThat(response.status()).isEqualTo(200);
      assertThat(seen).containsExactly("GET /1 HTTP/1.1", method + " /2 HTTP/1.1", method + " /2 HTTP/1.1");
      assertThat(upstream.acceptedConnections()).isEqualTo(2);
    }
  }

  @Test
  void a_streamed_body_lost_on_a_reused_connection_is_never_resent() throws Exception {
    try (RawUpstream upstream = closingAfterRequest(Close.FIN)) {
      await(await(transport.send(Calls.get(upstream.origin(), "/1"))).body().bytes(100));
      awaitPooled(transport);
      Request request = Request.builder("POST", "/2").body(streamed("{\"n\":2}")).build();

      UpstreamException e = failure(transport.send(call(upstream.origin(), request)));

      assertKind(e, Kind.CONNECTION_RESET);
      assertThat(seen).containsExactly("GET /1 HTTP/1.1", "POST /2 HTTP/1.1");
      assertThat(upstream.acceptedConnections()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"FIN", "RST"})
  void a_new_connection_that_fails_is_not_retried(Close close) throws Exception {
    try (RawUpstream upstream = RawUpstream.start(c -> {
      connections.incrementAndGet();
      readHead(c);
      close.apply(c.socket);
    })) {
      UpstreamException e = failure(transport.send(Calls.get(upstream.origin(), "/1")));

      assertKind(e, Kind.CONNECTION_RESET);
      assertThat(seen).containsExactly("GET /1 HTTP/1.1");
      assertThat(upstream.acceptedConnections()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 200 OK\r\n", "HTTP/1.1 2", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"})
  void a_response_head_cut_short_on_a_reused_connection_is_not_retried(String partial) throws Exception {
    try (RawUpstream upstream = RawUpstream.start(c -> {
      connections.incrementAndGet();
      readHead(c);
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
      readHead(c);
      c.write(partial);
      Thread.sleep(50);
      c.socket.close();
    })) {
      await(await(transport.send(Calls.get(upstream.origin(), "/1"))).body().bytes(100));
      awaitPooled(transport);

      UpstreamException e = failure(transport.send(Calls.get(upstream.origin(), "/2")));

      assertKind(e, Kind.CONNECTION_RESET);
      assertThat(seen).containsExactly("GET /1 HTTP/1.1", "GET /2 HTTP/1.1");
      assertThat(upstream.acceptedConnections()).isEqualTo(1);
    }
  }

  /** Waits until the first call's connection is back in the pool, so that the next call reuses it. */
  static void awaitPooled(HttpClientTransport transport) throws InterruptedException {
    for (int i = 0; i < 200 && transport.poolStatus().orElseThrow().available() < 1; i++) {
      Thread.sleep(10);
    }
    assertThat(transport.poolStatus().orElseThrow().available()).as("pooled connections").isEqualTo(1);
  }

  private static Body streamed(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return Body.ofPublisher(subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      private boolean done;

      @Override
      public synchronized void request(long n) {
        if (!done) {
          done = true;
          subscriber.onNext(ByteBuffer.wrap(bytes));
          subscriber.onComplete();
        }
      }

      @Override
      public synchronized void cancel() {
        done = true;
      }
    }), bytes.length);
  }
}
