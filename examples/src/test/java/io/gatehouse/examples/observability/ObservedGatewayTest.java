package io.gatehouse.examples.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Poll;
import io.gatehouse.testing.UpstreamServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's metrics example over real sockets: traffic on one port, a Prometheus scrape on the other. */
class ObservedGatewayTest {
  private static final Pattern ORDERS_200 =
      Pattern.compile("gatehouse_requests_seconds_count\\{[^}]*route=\"orders\"[^}]*status=\"200\"[^}]*\\} 1");

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final UpstreamServer orders = UpstreamServer.start();
  private final ObservedGateway example = ObservedGateway.start(orders.url(), 0, 0);

  @AfterEach
  void close() {
    example.close();
    orders.close();
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void prometheus_scrapes_the_requests_that_went_through() throws Exception {
    assertThat(get(example.trafficPort(), "/orders/7").statusCode()).isEqualTo(200);
    assertThat(get(example.trafficPort(), "/nowhere").statusCode()).isEqualTo(404);

    // A proxied response is recorded when its streamed body ends, which a client over a socket may
    // see a moment after the last byte has reached it; the 404 was recorded before it was sent.
    String scrape = Poll.within(Duration.ofSeconds(10)).until(this::scrape, text -> ORDERS_200.matcher(text).find());
    assertThat(scrape)
        .containsPattern(ORDERS_200)
        .containsPattern("gatehouse_rejections_total\\{[^}]*reason=\"no_route\"[^}]*\\} 1")
        .containsPattern("gatehouse_upstream_target_healthy\\{[^}]*upstream=\"route:orders\"[^}]*\\} 1");
  }

  private String scrape() {
    try {
      return get(example.metricsPort(), "/metrics").body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scraping", e);
    }
  }

  @Test
  void the_metrics_are_not_reachable_through_the_traffic_port() throws Exception {
    assertThat(get(example.trafficPort(), "/metrics").statusCode()).isEqualTo(404);
  }
}
