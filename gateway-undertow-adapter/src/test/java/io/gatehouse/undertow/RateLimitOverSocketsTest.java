package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.ratelimit.RateLimit;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The limiter's exactness under concurrency, through the Undertow adapter over real sockets. */
class RateLimitOverSocketsTest {

  @Test
  void eight_clients_at_ten_times_the_limit_get_no_more_than_the_limit_plus_one_burst() throws Exception {
    int perSecond = 40;
    Gateway gateway = Gateway.builder()
        .route("r", r -> r.path("/**").rateLimit(RateLimit.perRoute(perSecond).per(Duration.ofSeconds(1)))
            .respond(200, "text/plain", "ok"))
        .build();
    GatewayServer server = Servers.start(gateway);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    try {
      long start = System.nanoTime();
      long end = start + TimeUnit.MILLISECONDS.toNanos(1_500);
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        tasks.add(() -> {
          // 8 clients, each pacing 50 requests a second: 400/s against a limit of 40/s.
          long next = System.nanoTime();
          while (System.nanoTime() < end) {
            HttpResponse<Void> res = Servers.CLIENT.send(Servers.request(server.port(), "/x").build(),
                HttpResponse.BodyHandlers.discarding());
            (res.statusCode() == 200 ? admitted : res.statusCode() == 429 ? rejected : other).incrementAndGet();
            next += TimeUnit.MILLISECONDS.toNanos(20);
            long wait = next - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
          }
          return null;
        });
      }
      for (Future<Void> f : clients.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      assertThat(other.get()).as("only 200 and 429").isZero();
      assertThat(admitted.get()).as("admitted in %.2f s", seconds)
          .isLessThanOrEqualTo((int) Math.ceil(perSecond * seconds) + perSecond)
          .as("the first burst is always admitted")
          .isGreaterThanOrEqualTo(Math.min(perSecond, admitted.get() + rejected.get()));
    } finally {
      clients.shutdownNow();
      server.stop(Duration.ofSeconds(5));
      gateway.close();
    }
  }
}
