package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.raw.RawHttp;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How the adapter writes responses on each container: problems, framing, bodies that fail. */
class ResponseTest {
  private static Container.Running start(Container container, Gateway gateway) {
    return container.start(Container.Deployment.of("", Map.of("/gw/*", GatehouseServlet.of(gateway))));
  }

  /** A body that sends {@code sent} and then fails. */
  private static Flow.Publisher<ByteBuffer> failingAfter(String sent) {
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      private boolean done;

      @Override
      public void request(long n) {
        if (done) {
          return;
        }
        done = true;
        if (!sent.isEmpty()) {
          subscriber.onNext(ByteBuffer.wrap(sent.getBytes(StandardCharsets.US_ASCII)));
        }
        subscriber.onError(new IOException("the upstream went away"));
      }

      @Override
      public void cancel() {
        done = true;
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_gateway_that_fails_gets_the_client_a_502_problem_with_its_request_id(Container container) throws Exception {
    Gateway gateway = TestGateway.async(r -> CompletableFuture.failedFuture(new IllegalStateException("bug")));
    try (Container.Running running = start(container, gateway); RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET /gw/x HTTP/1.1\r\nHost: t\r\nX-Request-Id: req-42\r\n\r\n");
      RawHttp.Head head = client.readHead();
      String body = new String(client.readBody(head), StandardCharsets.UTF_8);

      assertThat(head.status()).isEqualTo(502);
      assertThat(head.first("Content-Type")).contains("application/problem+json");
      assertThat(head.first("X-Request-Id")).contains("req-42");
      assertThat(body).contains("\"status\":502", "\"type\":\"urn:gatehouse:problem:bad-gateway\"", "\"requestId\":\"req-42\"");
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_gateway_that_throws_or_returns_null_gets_the_client_a_502_problem(Container container) throws Exception {
    Gateway throwing = TestGateway.async(r -> {
      throw new IllegalStateException("bug");
    });
    Gateway nulls = TestGateway.async(r -> null);
    for (Gateway gateway : new Gateway[] {throwing, nulls}) {
      try (Container.Running running = start(container, gateway); RawHttp client = RawHttp.connect(running.port())) {
        client.send("GET /gw/x HTTP/1.1\r\nHost: t\r\n\r\n");
        RawHttp.Head head = client.readHead();
        client.readBody(head);
        assertThat(head.status()).isEqualTo(502);
        assertThat(head.first("Content-Type")).contains("application/problem+json");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_body_that_fails_before_its_first_byte_becomes_a_502_problem(Container container) throws Exception {
    Gateway gateway = TestGateway.respond(r -> Response.builder(200).header("X-From", "upstream")
        .body(Body.ofPublisher(failingAfter(""), -1)).build());
    try (Container.Running running = start(container, gateway); RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET /gw/x HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head head = client.readHead();
      String body = new String(client.readBody(head), StandardCharsets.UTF_8);

      assertThat(head.status()).isEqualTo(502);
      assertThat(head.has("X-From")).as("the failed response's headers are gone").isFalse();
      assertThat(body).contains("The upstream response body failed before it started.");
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_chunked_body_that_fails_midway_is_cut_short_and_never_looks_whole(Container container) throws Exception {
    Gateway gateway = TestGateway.respond(r -> Response.builder(200).body(Body.ofPublisher(failingAfter("partial"), -1)).build());
    try (Container.Running running = start(container, gateway); RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET /gw/x HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.first("Transfer-Encoding")).contains("chunked");

      assertThatThrownBy(() -> client.readBody(head)).isInstanceOf(EOFException.class);
      assertThat(client.closedWithin(3000)).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_body_of_known_length_that_fails_midway_is_cut_short(Container container) throws Exception {
    Gateway gateway = TestGateway.respond(r -> Response.builder(200).body(Body.ofPublisher(failingAfter("partial"), 100)).build());
    try (Container.Running running = start(container, gateway); RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET /gw/x HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.first("Content-Length")).contains("100");

      assertThatThrownBy(() -> client.readBody(head)).isInstanceOf(EOFException.class);
      assertThat(client.closedWithin(3000)).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void head_and_204_send_no_body_and_the_connection_carries_the_next_request(Container container) throws Exception {
    Gateway gateway = TestGateway.respond(r -> r.path().equals("/none")
        ? Response.builder(204).body(Body.of("ignored")).build()
        : Response.builder(200).header("Content-Type", "text/plain").body(Body.of("hello")).build());
    try (Container.Running running = start(container, gateway); RawHttp client = RawHttp.connect(running.port())) {
      client.send("HEAD /gw/x HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.first("Content-Length")).contains("5");

      client.send("GET /gw/none HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head none = client.readHead();
      assertThat(none.status()).isEqualTo(204);
      assertThat(none.has("Content-Length") && !none.first("Content-Length").get().equals("0")).isFalse();

      client.send("GET /gw/x HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head get = client.readHead();
      assertThat(new String(client.readBody(get), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void the_gateways_framing_fields_are_dropped_and_its_connection_close_kept(Container container) throws Exception {
    Gateway gateway = TestGateway.respond(r -> Response.builder(200)
        .header("Content-Length", "999").header("Transfer-Encoding", "gzip").header("Connection", "close")
        .body(Body.of("four")).build());
    try (Container.Running running = start(container, gateway); RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET /gw/x HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head head = client.readHead();
      assertThat(head.all("Content-Length")).containsExactly("4");
      assertThat(head.has("Transfer-Encoding")).isFalse();
      assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).isEqualTo("four");
      assertThat(client.closedWithin(3000)).isTrue();
    }
  }
}
