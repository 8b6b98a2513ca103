package io.gatehouse.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.upstream.Retry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spans through a real in-memory gateway: a server span per request, a client span per upstream attempt. */
class GatehouseTracingTest {
  private static final String ORDERS = "http://orders:8080";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
    otel.close();
  }

  private GatewayTester tester(Gateway.Builder builder) {
    tester = GatewayTester.of(builder.tracing(GatehouseTracing.of(otel)).accessLog(false))
        .stubUpstream(ORDERS, s -> s.respond(200, "application/json", "{\"id\":7}"));
    return tester;
  }

  private List<SpanData> spans(SpanKind kind) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
  }

  private SpanData server() {
    List<SpanData> servers = spans(SpanKind.SERVER);
    assertThat(servers).hasSize(1);
    return servers.get(0);
  }

  private static <T> T attribute(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  @Test
  void a_proxied_request_gives_a_server_span_with_a_client_span_child_whose_context_the_upstream_receives() {
    tester(Gateway.builder().route("orders", r -> r.path("/api/orders/{id}").stripPrefix(1).upstream(ORDERS + "/v1")));

    var res = tester.get("/api/orders/7?x=1").header("User-Agent", "curl/8").from("203.0.113.9").send();

    assertThat(res.status()).isEqualTo(200);
    SpanData server = server();
    assertThat(server.getName()).isEqualTo("GET /api/orders/{id}");
    assertThat(attribute(server, AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
    assertThat(attribute(server, AttributeKey.stringKey("url.path"))).isEqualTo("/api/orders/7");
    assertThat(attribute(server, AttributeKey.stringKey("url.scheme"))).isEqualTo("http");
    assertThat(attribute(server, AttributeKey.stringKey("http.route"))).isEqualTo("/api/orders/{id}");
    assertThat(attribute(server, AttributeKey.stringKey("gatehouse.route"))).isEqualTo("orders");
    assertThat(attribute(server, AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(attribute(server, AttributeKey.stringKey("server.address"))).isEqualTo("gateway.test");
    assertThat(attribute(server, AttributeKey.stringKey("network.peer.address"))).isEqualTo("203.0.113.9");
    assertThat(attribute(server, AttributeKey.stringKey("user_agent.original"))).isEqualTo("curl/8");
    assertThat(attribute(server, AttributeKey.stringKey("error.type"))).isNull();
    assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(server.getParentSpanContext().isValid()).isFalse();

    List<SpanData> clients = spans(SpanKind.CLIENT);
    assertThat(clients).hasSize(1);
    SpanData client = clients.get(0);
    assertThat(client.getName()).isEqualTo("GET");
    assertThat(client.getTraceId()).isEqualTo(server.getTraceId());
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(attribute(client, AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
    assertThat(attribute(client, AttributeKey.stringKey("url.full"))).isEqualTo(ORDERS + "/v1/orders/7?x=1");
    assertThat(attribute(client, AttributeKey.stringKey("server.address"))).isEqualTo("orders");
    assertThat(attribute(client, AttributeKey.longKey("server.port"))).isEqualTo(8080L);
    assertThat(attribute(client, AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(attribute(client, AttributeKey.longKey("http.request.resend_count"))).isNull();

    RecordedRequest seen = tester.upstream(ORDERS).received().get(0);
    assertThat(seen.headers().first("traceparent")).get().asString()
        .startsWith("00-" + server.getTraceId() + "-" + client.getSpanId() + "-");
  }

  @Test
  void an_incoming_traceparent_makes_the_server_span_its_child() {
    tester(Gateway.builder().route("orders", r -> r.path("/**").upstream(ORDERS)));
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    tester.get("/x").header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").send();

    SpanData server = server();
    assertThat(server.getTraceId()).isEqualTo(traceId);
    assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(server.getParentSpanContext().isRemote()).isTrue();
    assertThat(spans(SpanKind.CLIENT)).singleElement().satisfies(client -> assertThat(client.getTraceId()).isEqualTo(traceId));
    assertThat(tester.upstream(ORDERS).received().get(0).headers().first("traceparent")).get().asString()
        .startsWith("00-" + traceId + "-").doesNotContain("00f067aa0ba902b7");
  }

  @Test
  void a_retry_gives_a_client_span_per_attempt_each_carried_by_its_own_request() {
    tester(Gateway.builder().route("orders", r -> r.path("/**").upstream(ORDERS).retry(Retry.times(1))));
    tester.upstream(ORDERS).failNext(1, 503);

    var res = tester.get("/x").send();

    assertThat(res.status()).isEqualTo(200);
    SpanData server = server();
    List<SpanData> clients = spans(SpanKind.CLIENT);
    assertThat(clients).hasSize(2);
    SpanData first = clients.get(0);
    SpanData second = clients.get(1);
    assertThat(first.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(second.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(attribute(first, AttributeKey.longKey("http.response.status_code"))).isEqualTo(503L);
    assertThat(attribute(first, AttributeKey.stringKey("error.type"))).isEqualTo("503");
    assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attribute(first, AttributeKey.longKey("http.request.resend_count"))).isNull();
    assertThat(attribute(second, AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(attribute(second, AttributeKey.longKey("http.request.resend_count"))).isEqualTo(1L);
    assertThat(second.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(attribute(server, AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);

    List<String> sent = tester.upstream(ORDERS).received().stream()
        .map(r -> r.headers().first("traceparent").orElseThrow().substring(0, 52)).toList(); // without the flags
    assertThat(sent).containsExactly(
        "00-" + server.getTraceId() + "-" + first.getSpanId(),
        "00-" + server.getTraceId() + "-" + second.getSpanId());
  }

  @Test
  void an_unrouted_request_gives_a_server_span_with_its_status_and_no_client_span() {
    tester(Gateway.builder().route("orders", r -> r.path("/api/orders/**").upstream(ORDERS)));

    var res = tester.get("/nowhere").send();

    assertThat(res.status()).isEqualTo(404);
    SpanData server = server();
    assertThat(server.getName()).isEqualTo("GET");
    assertThat(attribute(server, AttributeKey.longKey("http.response.status_code"))).isEqualTo(404L);
    assertThat(attribute(server, AttributeKey.stringKey("http.route"))).isNull();
    assertThat(attribute(server, AttributeKey.stringKey("gatehouse.rejection"))).isEqualTo("no_route");
    assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(spans(SpanKind.CLIENT)).isEmpty();
  }

  @Test
  void a_failed_upstream_call_ends_its_client_span_with_the_error_type_and_the_server_span_as_an_error() {
    tester(Gateway.builder().route("orders", r -> r.path("/**").upstream(ORDERS)));
    tester.upstream(ORDERS).fail(UpstreamException.Kind.CONNECT_REFUSED);

    var res = tester.get("/x").send();

    assertThat(res.status()).isEqualTo(502);
    SpanData client = spans(SpanKind.CLIENT).get(0);
    assertThat(attribute(client, AttributeKey.stringKey("error.type"))).isEqualTo("connect_refused");
    assertThat(attribute(client, AttributeKey.longKey("http.response.status_code"))).isNull();
    assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    SpanData server = server();
    assertThat(attribute(server, AttributeKey.stringKey("error.type"))).isEqualTo("502");
    assertThat(attribute(server, AttributeKey.stringKey("gatehouse.rejection"))).isEqualTo("upstream_failed");
    assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void the_request_record_carries_the_server_span_trace_id() {
    tester(Gateway.builder().observer(records::add).route("orders", r -> r.path("/**").upstream(ORDERS)));

    tester.get("/x").send();
    tester.get("/nowhere-else").header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").send();

    List<SpanData> servers = spans(SpanKind.SERVER);
    assertThat(servers).hasSize(2);
    assertThat(records).extracting(RequestRecord::traceId)
        .containsExactly(servers.get(0).getTraceId(), "4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void a_client_that_goes_away_ends_the_server_span_with_499_and_the_attempt_as_cancelled() throws Exception {
    tester(Gateway.builder().observer(records::add).route("orders", r -> r.path("/**").upstream(ORDERS)));
    tester.upstream(ORDERS).delay(Duration.ofSeconds(5));

    CompletableFuture<Response> response = tester.gateway().handle(Request.builder("GET", "/x").build()).toCompletableFuture();
    await(() -> !tester.upstream(ORDERS).received().isEmpty());
    response.cancel(true);
    await(() -> exporter.getFinishedSpanItems().size() == 2);

    SpanData server = server();
    assertThat(attribute(server, AttributeKey.longKey("http.response.status_code"))).isEqualTo(499L);
    SpanData client = spans(SpanKind.CLIENT).get(0);
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(attribute(client, AttributeKey.stringKey("error.type"))).isEqualTo("cancelled");
    assertThat(records).singleElement().satisfies(record -> assertThat(record.traceId()).isEqualTo(server.getTraceId()));
    Thread.sleep(50);
    assertThat(exporter.getFinishedSpanItems()).hasSize(2);
  }

  private static void await(BooleanSupplier condition) {
    assertThat(Poll.within(Duration.ofSeconds(5)).until(condition::getAsBoolean, Boolean::booleanValue)).as("waited 5 s").isTrue();
  }

  @Test
  void the_tracing_prints_the_propagator_it_injects_with() {
    assertThat(GatehouseTracing.of(otel).toString()).startsWith("GatehouseTracing[").contains("W3CTraceContextPropagator");
  }
}
