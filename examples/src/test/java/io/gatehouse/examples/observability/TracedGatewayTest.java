package io.gatehouse.examples.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's tracing example: the spans of one request, exported in memory. */
class TracedGatewayTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final GatewayTester tester = GatewayTester.of(TracedGateway.gateway(otel, "http://orders:8080"))
      .stubUpstream("http://orders:8080", s -> s.respond(200, "application/json", "{\"id\":7}"));

  @AfterEach
  void close() {
    tester.close();
    otel.close();
  }

  @Test
  void a_request_is_a_server_span_with_a_client_span_for_its_upstream_call() {
    assertThat(tester.get("/api/orders/7").send().status()).isEqualTo(200);

    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData server = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    SpanData client = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(server.getName()).isEqualTo("GET /api/orders/{id}");
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(tester.upstream("http://orders:8080").received().get(0).headers().first("traceparent")).get().asString()
        .contains(client.getTraceId()).contains(client.getSpanId());
  }
}
