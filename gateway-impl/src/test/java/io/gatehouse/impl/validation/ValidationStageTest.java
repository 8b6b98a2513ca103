package io.gatehouse.impl.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.validation.RequestValidation;
import io.gatehouse.validation.RequestValidator;
import io.gatehouse.validation.ValidationResult;
import io.gatehouse.validation.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The validation stage: its slot, what it reads, what it answers, and the bounds of its problem. */
class ValidationStageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Refuses the head when the request has {@code X-Refuse: 415}; body violations for each {@code !} in the body. */
  private static final RequestValidator SCRIPTED = new RequestValidator() {
    @Override
    public ValidationResult validateHead(Exchange exchange) {
      if (exchange.request().headers().first("X-Refuse").isPresent()) {
        return ValidationResult.rejected(415, "not taken",
            List.of(Violation.parameter(Violation.Location.HEADER, "Content-Type", "not taken")));
      }
      if (exchange.request().headers().first("X-Bad-Query").isPresent()) {
        return ValidationResult.invalid(List.of(Violation.parameter(Violation.Location.QUERY, "q", "not an integer")));
      }
      return ValidationResult.valid();
    }

    @Override
    public ValidationResult validateBody(Exchange exchange, ByteBuffer body) {
      List<Violation> violations = new ArrayList<>();
      int i = 0;
      while (body.hasRemaining()) {
        if (body.get() == '!') {
          violations.add(Violation.body("/" + i, "no bangs"));
        }
        i++;
      }
      return ValidationResult.invalid(violations);
    }
  };

  private final List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
  private final UpstreamTransport transport = new UpstreamTransport() {
    @Override
    public CompletionStage<Response> send(UpstreamCall call) {
      calls.add(call);
      return call.request().body().bytes(1 << 20).thenApply(bytes -> Response.builder(200).body(Body.of(bytes)).build());
    }

    @Override
    public void close() {}
  };

  private Gateway gateway(RequestValidation validation) {
    return Gateway.builder().transport(transport)
        .route("v", r -> r.path("/v").validate(validation).filter((exchange, next) -> next.proceed(exchange)).upstream("http://o:1"))
        .build();
  }

  private static Response send(Gateway gateway, Request request) throws Exception {
    return gateway.handle(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Request post(String body) {
    return Request.builder("POST", "/v").body(Body.of(body)).build();
  }

  @Test
  void the_stage_runs_after_the_access_stages_and_before_the_route_filters() {
    try (Gateway gateway = gateway(RequestValidation.of(SCRIPTED))) {
      List<String> stages = gateway.chains().get("v");
      int validation = stages.indexOf("validation stage of route 'v'");
      assertThat(validation).isPositive();
      assertThat(stages.get(validation - 1)).isEqualTo("rate-limit stage of route 'v'");
      assertThat(stages.get(validation + 1)).startsWith("route 'v' filter #1");
    }
  }

  @Test
  void a_valid_body_is_replayed_to_the_upstream_unchanged() throws Exception {
    try (Gateway gateway = gateway(RequestValidation.of(SCRIPTED))) {
      Response response = send(gateway, Request.builder("POST", "/v")
          .body(Body.ofPublisher(Body.of("hello, world"), -1)).build());

      assertThat(response.status()).isEqualTo(200);
      assertThat(calls).hasSize(1);
      assertThat(new String(calls.get(0).request().body().inMemory().orElseThrow(), StandardCharsets.UTF_8))
          .isEqualTo("hello, world");
    }
  }

  @Test
  void head_and_body_violations_make_one_400_problem() throws Exception {
    try (Gateway gateway = gateway(RequestValidation.of(SCRIPTED))) {
      Response response = send(gateway, Request.builder("POST", "/v").header("X-Bad-Query", "1").body(Body.of("a!b!")).build());

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.headers().first("Content-Type")).contains("application/problem+json");
      JsonNode problem = JSON.readTree(response.body().inMemory().orElseThrow());
      assertThat(problem.path("errors").toString()).isEqualTo("[{\"in\":\"query\",\"name\":\"q\",\"detail\":\"not an integer\"},"
          + "{\"in\":\"body\",\"pointer\":\"/1\",\"detail\":\"no bangs\"},{\"in\":\"body\",\"pointer\":\"/3\",\"detail\":\"no bangs\"}]");
      assertThat(problem.path("type").asText()).isEqualTo("urn:gatehouse:problem:bad-request");
      assertThat(calls).isEmpty();
    }
  }

  @Test
  void a_head_refusal_is_answered_without_reading_the_body() throws Exception {
    AtomicBoolean read = new AtomicBoolean();
    Flow.Publisher<ByteBuffer> watched = subscriber -> {
      read.set(true);
      Body.of("x").subscribe(subscriber);
    };
    try (Gateway gateway = gateway(RequestValidation.of(SCRIPTED))) {
      Response response = send(gateway, Request.builder("POST", "/v").header("X-Refuse", "1")
          .body(Body.ofPublisher(watched, 1)).build());

      assertThat(response.status()).isEqualTo(415);
      assertThat(read).isFalse();
      assertThat(calls).isEmpty();
    }
  }

  @Test
  void a_declared_length_over_the_cap_is_refused_unread_and_an_undeclared_one_past_it_too() throws Exception {
    AtomicBoolean read = new AtomicBoolean();
    Flow.Publisher<ByteBuffer> watched = subscriber -> {
      read.set(true);
      Body.of("0123456789").subscribe(subscriber);
    };
    try (Gateway gateway = gateway(RequestValidation.of(SCRIPTED).maxBodyBytes(8))) {
      assertThat(send(gateway, Request.builder("POST", "/v").body(Body.ofPublisher(watched, 10)).build()).status())
          .isEqualTo(413);
      assertThat(read).isFalse();
      assertThat(send(gateway, Request.builder("POST", "/v").body(Body.ofPublisher(Body.of("0123456789"), -1)).build())
          .status()).isEqualTo(413);
      assertThat(send(gateway, post("01234567")).status()).isEqualTo(200);
      assertThat(calls).hasSize(1);
    }
  }

  @Test
  void a_validator_that_does_not_read_the_body_lets_it_stream() throws Exception {
    RequestValidator headOnly = new RequestValidator() {
      @Override
      public ValidationResult validateHead(Exchange exchange) {
        return ValidationResult.valid();
      }

      @Override
      public boolean readsBody(Exchange exchange) {
        return false;
      }

      @Override
      public ValidationResult validateBody(Exchange exchange, ByteBuffer body) {
        throw new AssertionError("not called");
      }
    };
    try (Gateway gateway = gateway(RequestValidation.of(headOnly).maxBodyBytes(1))) {
      assertThat(send(gateway, post("longer than the cap")).status()).isEqualTo(200);
    }
  }

  @Test
  void a_problem_lists_at_most_100_violations_each_cut_to_200_characters() throws Exception {
    List<Violation> many = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      many.add(Violation.body("/" + "p".repeat(300), "r".repeat(300)));
    }
    Response problem = ValidationStage.problem(ValidationResult.invalid(many), "req-1");

    JsonNode json = JSON.readTree(problem.body().inMemory().orElseThrow());
    assertThat(json.path("errors")).hasSize(100);
    assertThat(json.path("errors").get(0).path("pointer").asText()).hasSize(201).endsWith("…");
    assertThat(json.path("errors").get(0).path("detail").asText()).hasSize(201);
    assertThat(json.path("detail").asText()).isEqualTo(
        "the request does not match its contract (150 violations; the first 100 are listed)");
    assertThat(json.path("requestId").asText()).isEqualTo("req-1");
  }

  @Test
  void validation_on_a_route_that_answers_by_itself_fails_build() {
    assertThatThrownBy(() -> Gateway.builder().transport(transport)
        .route("s", r -> r.path("/s").validate(SCRIPTED).respond(200, "text/plain", "hi"))
        .route("w", r -> r.path("/w").validate(SCRIPTED).webSocket().upstream("http://o:1")).build())
        .isInstanceOfSatisfying(GatewayConfigException.class, e -> assertThat(e.violations())
            .extracting(ConfigViolation::toString).containsExactly(
                "route 's': validate: on a route with a static response (expected: a route with an upstream)",
                "route 'w': validate: on a WebSocket route (expected: a route without webSocket())"));
  }

  @Test
  void the_body_cap_is_checked_at_once() {
    assertThatThrownBy(() -> RequestValidation.of(SCRIPTED).maxBodyBytes(-1))
        .hasMessage("validation: maxBodyBytes: -1 (expected: 0 to 2147483639)");
    assertThatThrownBy(() -> ValidationResult.rejected(500, "x", List.of()))
        .hasMessage("status: 500 (expected: 400 to 499)");
  }

}
