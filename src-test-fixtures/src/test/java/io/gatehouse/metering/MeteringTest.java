package io.gatehouse.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Metering through a gateway: usage per consumer and route, in windows of the builder's clock, in bounded memory. */
class MeteringTest {
  private static final String ORDERS = "http://orders:8080";
  private static final String ACME_KEY = "acme-key-0123456789abcdef";
  private static final String GLOBEX_KEY = "globex-key-0123456789abcdef";
  private static final Instant T0 = Instant.parse("2026-03-02T10:15:00Z");

  private final ManualClock clock = ManualClock.of(T0);
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private static String key(int i) {
    return "consumer-key-" + i + "-0123456789abcdef";
  }

  /** Consumers acme, globex and c0 to c{n-1}; routes orders (API key), limited (1 a minute), flaky, moved, public. */
  private GatewayTester tester(Metering metering, int moreConsumers) {
    Gateway.Builder builder = Gateway.builder().time(clock).accessLog(false).metering(metering)
        .auth(Auth.apiKey())
        .consumer(ApiConsumer.builder("acme").apiKey(ACME_KEY).build())
        .consumer(ApiConsumer.builder("globex").apiKey(GLOBEX_KEY).build());
    for (int i = 0; i < moreConsumers; i++) {
      builder.consumer(ApiConsumer.builder("c" + i).apiKey(key(i)).build());
    }
    builder
        .route("orders", r -> r.path("/orders/**").upstream(ORDERS))
        .route("limited", r -> r.path("/limited/**").rateLimit(RateLimit.perRoute(1).per(Duration.ofMinutes(1)))
            .upstream(ORDERS))
        .route("flaky", r -> r.path("/flaky/**").upstream("http://flaky:8080"))
        .route("moved", r -> r.path("/moved").respond(302, "text/plain", ""))
        .route("public", r -> r.path("/public/**").auth(Auth.none()).upstream(ORDERS));
    tester = GatewayTester.of(builder)
        .stubUpstream(ORDERS, s -> s.respond(200, "hello!"))
        .stubUpstream("http://flaky:8080", s -> s.respond(503, "down"));
    return tester;
  }

  private GatewayTester hourly() {
    return tester(Metering.every(Duration.ofHours(1)), 0);
  }

  private void get(String path, String apiKey) {
    tester.get(path).header("X-API-Key", apiKey).send();
  }

  private static Usage usage(String consumer, String route, long requests, long success, long bytesOut) {
    return new Usage(consumer, route, requests, 0, success, 0, 0, 0, 0, bytesOut);
  }

  @Test
  void requests_are_counted_per_consumer_and_route_in_the_current_window() {
    hourly();
    get("/orders/1", ACME_KEY);
    get("/orders/2", ACME_KEY);
    get("/orders/3", GLOBEX_KEY);
    tester.get("/public/x").send();

    UsageReport report = tester.gateway().usage();

    assertThat(report.windows()).hasSize(1);
    UsageWindow window = report.windows().get(0);
    assertThat(window.start()).isEqualTo(Instant.parse("2026-03-02T10:00:00Z"));
    assertThat(window.end()).isEqualTo(Instant.parse("2026-03-02T11:00:00Z"));
    assertThat(window.endedBy(clock.instant())).isFalse();
    assertThat(window.usage()).containsExactly(
        usage("(anonymous)", "public", 1, 1, 6),
        usage("acme", "orders", 2, 2, 12),
        usage("globex", "orders", 1, 1, 6));
    assertThat(report.forConsumer("acme").totals()).isEqualTo(usage("acme", "orders", 2, 2, 12));
    assertThat(report.forRoute("orders").totals()).isEqualTo(usage("(all)", "orders", 3, 3, 18));
    assertThat(report.totals().requests()).isEqualTo(4);
  }

  @Test
  void each_status_lands_in_its_class_whoever_answered() {
    hourly();
    get("/orders/1", ACME_KEY);            // 200 from the upstream
    get("/moved", ACME_KEY);               // 302 from the route
    get("/nowhere", ACME_KEY);             // 404: no route, so no principal either
    tester.get("/orders/1").send();        // 401: no key
    get("/limited/1", ACME_KEY);           // 200
    get("/limited/1", ACME_KEY);           // 429
    get("/flaky/1", GLOBEX_KEY);           // the upstream's own 503

    UsageReport report = tester.gateway().usage();

    assertThat(report.windows()).hasSize(1);
    assertThat(report.windows().get(0).usage())
        .extracting(Usage::consumer, Usage::route, Usage::requests, Usage::informational, Usage::success,
            Usage::redirection, Usage::clientErrors, Usage::serverErrors)
        .containsExactly(
            tuple("(anonymous)", "(none)", 1L, 0L, 0L, 0L, 1L, 0L),
            tuple("(anonymous)", "orders", 1L, 0L, 0L, 0L, 1L, 0L),
            tuple("acme", "limited", 2L, 0L, 1L, 0L, 1L, 0L),
            tuple("acme", "moved", 1L, 0L, 0L, 1L, 0L, 0L),
            tuple("acme", "orders", 1L, 0L, 1L, 0L, 0L, 0L),
            tuple("globex", "flaky", 1L, 0L, 0L, 0L, 0L, 1L));
    Usage all = report.totals();
    assertThat(all.requests()).isEqualTo(7)
        .isEqualTo(all.informational() + all.success() + all.redirection() + all.clientErrors() + all.serverErrors());
    assertThat(report.forConsumer("globex").totals().bytesOut()).as("the upstream's 503 body").isEqualTo(4);
    assertThat(report.forRoute("(none)").totals().bytesOut()).as("the 404's problem body").isPositive();
  }

  @Test
  void body_bytes_are_counted_both_ways() {
    hourly();
    tester.post("/orders/1").header("X-API-Key", ACME_KEY).body("{\"n\":12345}").send();
    tester.post("/orders/2").header("X-API-Key", ACME_KEY).body("12345").send();

    Usage acme = tester.gateway().usage().forConsumer("acme").totals();

    assertThat(acme.bytesIn()).isEqualTo(11 + 5);
    assertThat(acme.bytesOut()).isEqualTo(2 * "hello!".length());
  }

  @Test
  void a_new_window_starts_when_the_clock_passes_the_window_end() {
    hourly();
    get("/orders/1", ACME_KEY);
    clock.set(Instant.parse("2026-03-02T10:59:59Z"));
    get("/orders/1", ACME_KEY);
    clock.set(Instant.parse("2026-03-02T11:00:00Z"));
    get("/orders/1", ACME_KEY);
    get("/orders/1", GLOBEX_KEY);

    List<UsageWindow> windows = tester.gateway().usage().windows();

    assertThat(windows).extracting(UsageWindow::start)
        .containsExactly(Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-03-02T11:00:00Z"));
    assertThat(windows.get(0).usage()).containsExactly(usage("acme", "orders", 2, 2, 12));
    assertThat(windows.get(0).endedBy(clock.instant())).isTrue();
    assertThat(windows.get(1).usage()).containsExactly(usage("acme", "orders", 1, 1, 6), usage("globex", "orders", 1, 1, 6));
    assertThat(windows.get(1).endedBy(clock.instant())).isFalse();
  }

  @Test
  void a_daily_window_runs_from_midnight_to_midnight_utc() {
    tester(Metering.every(Duration.ofDays(1)), 0);
    get("/orders/1", ACME_KEY);

    assertThat(tester.gateway().usage().windows()).singleElement().satisfies(w -> {
      assertThat(w.start()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
      assertThat(w.end()).isEqualTo(Instant.parse("2026-03-03T00:00:00Z"));
    });
  }

  @Test
  void a_quarter_hour_window_starts_on_the_quarter() {
    tester(Metering.every(Duration.ofMinutes(15)), 0);
    clock.set(Instant.parse("2026-03-02T10:29:59.999Z"));
    get("/orders/1", ACME_KEY);

    assertThat(tester.gateway().usage().windows()).singleElement().satisfies(w -> {
      assertThat(w.start()).isEqualTo(Instant.parse("2026-03-02T10:15:00Z"));
      assertThat(w.end()).isEqualTo(Instant.parse("2026-03-02T10:30:00Z"));
    });
  }

  @Test
  void only_the_last_keep_windows_are_kept_the_current_one_included() {
    tester(Metering.every(Duration.ofHours(1)).keep(3), 0);
    for (int hour = 0; hour < 5; hour++) {
      clock.set(T0.plus(Duration.ofHours(hour)));
      for (int i = 0; i <= hour; i++) {
        get("/orders/1", ACME_KEY);
      }
    }

    assertThat(tester.gateway().usage().windows())
        .extracting(w -> w.start().toString(), w -> w.totals().requests())
        .containsExactly(
            tuple("2026-03-02T12:00:00Z", 3L),
            tuple("2026-03-02T13:00:00Z", 4L),
            tuple("2026-03-02T14:00:00Z", 5L));

    clock.advance(Duration.ofHours(2));
    assertThat(tester.gateway().usage().windows()).as("windows age out without traffic too")
        .extracting(UsageWindow::start).containsExactly(Instant.parse("2026-03-02T14:00:00Z"));
    clock.advance(Duration.ofHours(1));
    assertThat(tester.gateway().usage()).isEqualTo(UsageReport.empty());
  }

  @Test
  void consumers_past_max_keys_count_under_other_and_the_totals_stay_exact() {
    tester(Metering.every(Duration.ofHours(1)).maxKeys(2), 5);
    for (int i = 0; i < 5; i++) {
      for (int n = 0; n <= i; n++) {
        get("/orders/1", key(i));
      }
    }
    get("/public/x", key(0)); // no auth on the route: anonymous, but a third pair all the same

    UsageReport report = tester.gateway().usage();

    assertThat(report.windows().get(0).usage()).containsExactly(
        usage("(other)", "orders", 3 + 4 + 5, 12, 12 * 6),
        usage("(other)", "public", 1, 1, 6),
        usage("c0", "orders", 1, 1, 6),
        usage("c1", "orders", 2, 2, 12));
    assertThat(report.totals().requests()).isEqualTo(1 + 2 + 3 + 4 + 5 + 1);
    assertThat(report.forRoute("orders").totals().requests()).isEqualTo(15);
    assertThat(report.forRoute("orders").totals().bytesOut()).isEqualTo(15 * 6);
  }

  @Test
  void memory_stays_within_keep_windows_of_max_keys_pairs_however_many_consumers_come() {
    int consumers = 40;
    tester(Metering.every(Duration.ofMinutes(1)).keep(2).maxKeys(3), consumers);
    for (int minute = 0; minute < 10; minute++) {
      clock.set(T0.plus(Duration.ofMinutes(minute)));
      for (int i = 0; i < consumers; i++) {
        get("/orders/" + minute, key((i + minute) % consumers));
      }
    }

    UsageReport report = tester.gateway().usage();

    assertThat(report.windows()).hasSize(2).allSatisfy(w -> {
      assertThat(w.usage()).as("3 pairs and (other) on the one route").hasSize(4);
      assertThat(w.totals().requests()).isEqualTo(consumers);
    });
  }

  @Test
  void a_gateway_without_metering_reports_nothing() {
    tester = GatewayTester.of(Gateway.builder().accessLog(false).route("orders", r -> r.path("/**").upstream(ORDERS)))
        .stubUpstream(ORDERS, s -> s.respond(200, "ok"));
    tester.get("/x").send();

    assertThat(tester.gateway().usage()).isEqualTo(UsageReport.empty());
    assertThat(tester.gateway().spec().observation().metering()).isEmpty();
  }

  @Test
  void the_metering_survives_to_builder() {
    Metering metering = Metering.every(Duration.ofMinutes(5)).keep(12).maxKeys(500);
    Gateway.Builder builder = Gateway.builder().metering(metering);

    assertThat(builder.spec().toBuilder().spec().observation().metering()).hasValue(metering);
    assertThat(metering.window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(metering.keep()).isEqualTo(12);
    assertThat(metering.maxKeys()).isEqualTo(500);
    assertThat(metering).isEqualTo(Metering.every(Duration.ofMinutes(5)).keep(12).maxKeys(500));
    Metering hourly = Metering.every(Duration.ofHours(1));
    assertThat(hourly.window()).isEqualTo(Duration.ofHours(1));
    assertThat(hourly.keep()).isEqualTo(24);
    assertThat(hourly.maxKeys()).isEqualTo(10_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT1S", "PT1M", "PT15M", "PT1H", "PT6H", "PT24H", "P2D", "P7D", "P366D"})
  void windows_that_divide_a_day_or_are_whole_days_are_accepted(String window) {
    assertThat(Metering.every(Duration.parse(window)).window()).isEqualTo(Duration.parse(window));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "PT0S     | window: PT0S (expected: > 0)",
      "PT-1M    | window: PT-1M (expected: > 0)",
      "PT7M     | window: PT7M (expected: whole seconds that divide a day, such as PT1M, PT15M or PT1H, or whole days)",
      "PT0.5S   | window: PT0.5S (expected: whole seconds that divide a day",
      "PT1M0.5S | window: PT1M0.5S (expected: whole seconds that divide a day",
      "PT25H    | window: PT25H (expected: whole seconds that divide a day",
      "P367D    | window: PT8808H (expected: <= 366 days)"})
  void a_window_that_cannot_be_aligned_is_rejected(String window, String message) {
    assertThatThrownBy(() -> Metering.every(Duration.parse(window)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void keep_and_max_keys_must_be_positive_and_nothing_may_be_null() {
    Metering hourly = Metering.every(Duration.ofHours(1));
    assertThatThrownBy(() -> hourly.keep(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keep: 0 (expected: >= 1)");
    assertThatThrownBy(() -> hourly.maxKeys(-5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxKeys: -5 (expected: >= 1)");
    assertThatThrownBy(() -> Metering.every(null)).isInstanceOf(NullPointerException.class).hasMessage("window");
    assertThatThrownBy(() -> Gateway.builder().metering(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("metering");
    assertThatThrownBy(() -> UsageReport.empty().forConsumer(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("consumer");
  }
}
