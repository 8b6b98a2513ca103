package io.gatehouse.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.Request;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log, read back through a logback list appender: one event per request, fields as
 * key-values, no secrets. Records are written by the gateway's writer thread shortly after the
 * request; closing the gateway writes what is queued, so each test closes it before reading.
 */
class AccessLogTest {
  private static final String KEY = "partner-key-0123456789abcdef";
  private final Logger accessLogger = (Logger) LoggerFactory.getLogger("io.gatehouse.access");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing(); // the thread name and the like, as of now: logback takes them lazily
      super.append(event);
    }
  };
  private GatewayTester tester;

  @BeforeEach
  void attach() {
    appender.start();
    accessLogger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    accessLogger.detachAppender(appender);
    if (tester != null) {
      tester.close();
    }
  }

  /** The events so far, read under the appender's lock, which the writer thread holds to add one. */
  private int size() {
    synchronized (appender) {
      return appender.list.size();
    }
  }

  private static Map<String, String> fields(ILoggingEvent event) {
    return event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value)));
  }

  @Test
  void every_request_is_one_event_with_its_fields_and_no_credential() {
    tester = GatewayTester.of(Gateway.builder()
            .consumer(ApiConsumer.builder("partner").apiKey(KEY).build())
            .route("orders", r -> r.path("/orders/**").auth(Auth.apiKey()).upstream("http://orders:8080")))
        .stubUpstream("http://orders:8080", s -> s.respond(200, "text/plain", "hello"));

    tester.get("/orders/7").header("X-API-Key", KEY).header("Authorization", "Bearer secret-token-value")
        .header("Cookie", "session=cookie-secret").header("X-Request-Id", "req-0042").send();
    tester.get("/orders/7").send();
    tester.close();

    assertThat(appender.list).hasSize(2);
    ILoggingEvent ok = appender.list.get(0);
    assertThat(ok.getFormattedMessage()).isEqualTo("GET /orders/7 200 " + fields(ok).get("durationMs") + " ms");
    assertThat(fields(ok)).containsEntry("requestId", "req-0042").containsEntry("route", "orders")
        .containsEntry("consumer", "partner").containsEntry("status", "200").containsEntry("bytesOut", "5")
        .containsEntry("upstream", "http://orders:8080").containsEntry("rejection", "-").containsEntry("attempts", "1")
        .containsKeys("time", "traceId", "client", "method", "path", "bytesIn", "upstreamMs");
    assertThat(fields(appender.list.get(1))).containsEntry("status", "401").containsEntry("rejection", "UNAUTHENTICATED")
        .containsEntry("attempts", "0");

    for (ILoggingEvent event : appender.list) {
      String everything = event.getFormattedMessage() + fields(event);
      assertThat(everything).doesNotContain(KEY).doesNotContain("secret-token-value").doesNotContain("cookie-secret");
    }
  }

  @Test
  void retries_show_as_upstream_attempts_in_the_fields_and_the_message() {
    tester = GatewayTester.of(Gateway.builder().route("orders", r -> r.path("/**")
            .upstream(Upstream.of("http://a:8080", "http://b:8080"))
            .retry(Retry.times(2).backoff(Duration.ofMillis(1), Duration.ofMillis(1)))))
        .stubUpstream("http://a:8080", s -> s.respond(503))
        .stubUpstream("http://b:8080", s -> s.respond(503));
    tester.get("/x").send();
    tester.close();
    ILoggingEvent event = appender.list.get(0);
    assertThat(fields(event)).containsEntry("attempts", "3").containsEntry("status", "503");
    assertThat(event.getFormattedMessage()).isEqualTo("GET /x 503 " + fields(event).get("durationMs") + " ms (3 upstream attempts)");
  }

  @Test
  void the_access_log_can_be_turned_off() {
    tester = GatewayTester.of(Gateway.builder().accessLog(false).route("r", r -> r.path("/**").respond(200, "text/plain", "x")));
    tester.get("/x").send();
    tester.close();
    assertThat(appender.list).isEmpty();
  }

  @Test
  void records_are_written_by_the_writer_thread_not_the_requests_thread() {
    tester = GatewayTester.of(Gateway.builder().route("r", r -> r.path("/**").respond(200, "text/plain", "x")));
    for (int i = 0; i < 50; i++) {
      tester.get("/x/" + i).send();
    }
    tester.close();
    assertThat(appender.list).hasSize(50).allSatisfy(e -> assertThat(e.getThreadName()).isEqualTo("gatehouse-access-log"));
    assertThat(appender.list.stream().map(e -> fields(e).get("path"))).containsExactlyInAnyOrderElementsOf(
        IntStream.range(0, 50).mapToObj(i -> "/x/" + i).toList());
  }

  @Test
  void records_arrive_without_closing_within_a_bounded_wait() throws InterruptedException {
    tester = GatewayTester.of(Gateway.builder().route("r", r -> r.path("/**").respond(200, "text/plain", "x")));
    tester.get("/x").send();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (size() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(size()).isEqualTo(1);
  }

  @Test
  void a_request_after_close_is_written_by_its_own_thread() {
    Gateway gateway = Gateway.builder().route("r", r -> r.path("/**").respond(200, "text/plain", "x")).build();
    gateway.close();
    gateway.handle(Request.builder("GET", "/late").build()).toCompletableFuture().join();
    assertThat(appender.list).singleElement().satisfies(e -> {
      assertThat(fields(e)).containsEntry("path", "/late");
      assertThat(e.getThreadName()).isEqualTo(Thread.currentThread().getName());
    });
  }
}
