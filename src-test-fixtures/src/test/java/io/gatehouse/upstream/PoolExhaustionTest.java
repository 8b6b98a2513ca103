package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.testing.UpstreamServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose upstream connections are all busy answers the overflow with 503 problem+json
 * and {@code Retry-After} after the pool-acquire timeout, records it as {@link Rejection#POOL_EXHAUSTED},
 * and serves the rest; it is not a 504.
 */
class PoolExhaustionTest {

  @Test
  void requests_past_a_busy_pool_get_503_with_retry_after_and_are_recorded_as_pool_exhausted() throws Exception {
    List<RequestRecord> records = new CopyOnWriteArrayList<>();
    try (UpstreamServer slow = UpstreamServer.start().delay(Duration.ofMillis(1500));
        Gateway gateway = Gateway.builder().accessLog(false).observer(records::add)
            .connectionPool(ConnectionPool.defaults().maxPerOrigin(2).acquireTimeout(Duration.ofMillis(300)))
            .route("r", r -> r.path("/**").upstream(slow.url()).responseTimeout(Duration.ofSeconds(5)))
            .build()) {
      List<CompletableFuture<Response>> calls = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        calls.add(gateway.handle(Request.builder("GET", "/slow/" + i).build()).toCompletableFuture());
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<Response> call : calls) {
        Response response = call.get(10, TimeUnit.SECONDS);
        response.body().bytes(1 << 16).toCompletableFuture().get(10, TimeUnit.SECONDS);
        statuses.add(response.status());
        if (response.status() == 503) {
          assertThat(response.headers().first("Retry-After")).hasValue("1");
          assertThat(response.headers().first("Content-Type")).hasValue("application/problem+json");
        }
      }

      assertThat(statuses).containsExactlyInAnyOrder(200, 200, 503, 503, 503);
      assertThat(records).hasSize(5)
          .filteredOn(r -> r.status() == 503)
          .extracting(RequestRecord::rejection)
          .containsOnly(Optional.of(Rejection.POOL_EXHAUSTED));
      assertThat(slow.requestCount()).isEqualTo(2);
    }
  }
}
