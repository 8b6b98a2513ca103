package io.gatehouse.examples.observability;

import io.gatehouse.Gateway;
import io.gatehouse.micrometer.GatehouseMetrics;
import io.gatehouse.undertow.UndertowGateway;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;

/** A gateway with Micrometer metrics, scraped by Prometheus on a port of its own; the README quotes it and its test scrapes it. */
public final class ObservedGateway implements AutoCloseable {
  private final Gateway gateway;
  private final Undertow traffic;
  private final Undertow metrics;

  private ObservedGateway(Gateway gateway, Undertow traffic, Undertow metrics) {
    this.gateway = gateway;
    this.traffic = traffic;
    this.metrics = metrics;
  }

  /**
   * Starts the gateway on one port and {@code GET /metrics} (Prometheus text) on another, so the
   * metrics are not reachable through the traffic listener.
   *
   * @param upstream where the orders service listens
   * @param trafficPort the gateway's port, 0 for any
   * @param metricsPort the metrics port, 0 for any
   * @return the running example
   */
  // tag::metrics[]
  public static ObservedGateway start(String upstream, int trafficPort, int metricsPort) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatehouseMetrics metrics = GatehouseMetrics.of(registry);
    Gateway gateway = Gateway.builder()
        .observer(metrics)                                  // request timers, rejections, circuits...
        .route("orders", r -> r.path("/orders/**").upstream(upstream))
        .build();
    metrics.watch(gateway);                                 // upstream health gauges
    Undertow traffic = Undertow.builder().addHttpListener(trafficPort, "127.0.0.1")
        .setHandler(UndertowGateway.handler(gateway)).build();
    Undertow scrape = Undertow.builder().addHttpListener(metricsPort, "127.0.0.1")
        .setHandler(Handlers.path().addExactPath("/metrics", exchange -> {
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
          exchange.getResponseSender().send(registry.scrape());
        })).build();
    traffic.start();
    scrape.start();
    return new ObservedGateway(gateway, traffic, scrape);
  }
  // end::metrics[]

  /**
   * The port traffic goes to.
   *
   * @return the bound port
   */
  public int trafficPort() {
    return ((InetSocketAddress) traffic.getListenerInfo().get(0).getAddress()).getPort();
  }

  /**
   * The port Prometheus scrapes.
   *
   * @return the bound port
   */
  public int metricsPort() {
    return ((InetSocketAddress) metrics.getListenerInfo().get(0).getAddress()).getPort();
  }

  @Override
  public void close() {
    traffic.stop();
    metrics.stop();
    gateway.close();
  }
}
