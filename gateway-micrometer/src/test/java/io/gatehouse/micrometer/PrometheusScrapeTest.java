package io.gatehouse.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.observe.Rejection;
import io.gatehouse.upstream.TargetStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What Prometheus scrapes: the names and labels that dashboards and alerts are written against. */
class PrometheusScrapeTest {
  private static final String ORDERS = "http://orders:8080";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final GatehouseMetrics metrics = GatehouseMetrics.of(registry);

  @Test
  void scrapes_request_timers_with_a_histogram() {
    metrics.onRequest(Records.request().route("orders").target(ORDERS, Duration.ofMillis(20))
        .duration(Duration.ofMillis(25)).bytes(0, 120).build());

    String text = registry.scrape();

    assertThat(text)
        .containsPattern("gatehouse_requests_seconds_count\\{method=\"GET\",outcome=\"SUCCESS\",route=\"orders\","
            + "status=\"200\",target=\"http://orders:8080\"} 1")
        .containsPattern("gatehouse_requests_seconds_bucket\\{[^}]*route=\"orders\"[^}]*} 1")
        .containsPattern("gatehouse_upstream_duration_seconds_bucket\\{[^}]*route=\"orders\"[^}]*} 1")
        .containsPattern("gatehouse_upstream_duration_seconds_count\\{route=\"orders\",target=\"http://orders:8080\"} 1")
        .containsPattern("gatehouse_response_size_bytes_sum\\{route=\"orders\"} 120");
  }

  @Test
  void scrapes_request_timers_without_buckets_when_the_histogram_is_off() {
    PrometheusMeterRegistry plainRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatehouseMetrics.of(plainRegistry, false)
        .onRequest(Records.request().route("orders").target(ORDERS, Duration.ofMillis(20)).build());

    String text = plainRegistry.scrape();

    assertThat(text)
        .contains("gatehouse_requests_seconds_count{")
        .contains("gatehouse_upstream_duration_seconds_count{")
        .doesNotContain("_bucket{");
  }

  @Test
  void scrapes_rejections_circuits_and_the_rate_limit_store() {
    metrics.onRequest(Records.request().route("orders").rejected(Rejection.QUOTA_EXCEEDED, 429).build());
    metrics.onEvent(new GatewayEvent.CircuitChanged("route 'orders'", TargetStatus.Circuit.HALF_OPEN));
    metrics.onEvent(new GatewayEvent.DegradedDecision());

    String text = registry.scrape();

    assertThat(text)
        .contains("gatehouse_rejections_total{reason=\"quota_exceeded\",route=\"orders\"} 1")
        .contains("gatehouse_circuit_state{circuit=\"route 'orders'\",state=\"half_open\"} 1")
        .contains("gatehouse_circuit_state{circuit=\"route 'orders'\",state=\"open\"} 0")
        .containsPattern("(?m)^gatehouse_ratelimit_store_degraded 0")
        .containsPattern("(?m)^gatehouse_ratelimit_store_degraded_decisions_total 1");
  }
}
