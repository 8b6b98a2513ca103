package io.gatehouse.impl.responsecache;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.TimeSource;
import io.gatehouse.cache.CachedResponse;
import io.gatehouse.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
  private final AtomicLong nanos = new AtomicLong();
  private final TimeSource time = new TimeSource() {
    @Override
    public long nanoTime() {
      return nanos.get();
    }

    @Override
    public Clock wallClock() {
      return Clock.fixed(T0, java.time.ZoneOffset.UTC);
    }
  };

  private static CachedResponse entry(int bodyBytes) {
    return CachedResponse.of(200, HttpHeaders.of("Cache-Control", "max-age=60"), new byte[bodyBytes], T0, T0, Map.of());
  }

  private static List<CachedResponse> get(InMemoryStore store, String key) {
    return store.get(key).toCompletableFuture().join();
  }

  @Test
  void keeps_what_it_is_given_for_as_long_as_it_is_told_on_the_monotonic_clock() {
    InMemoryStore store = new InMemoryStore(time, 1 << 20);
    store.put("k", List.of(entry(10)), Duration.ofSeconds(5));

    assertThat(get(store, "k")).hasSize(1);
    nanos.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
    assertThat(get(store, "k")).hasSize(1);
    nanos.addAndGet(1);
    assertThat(get(store, "k")).isEmpty();
  }

  @Test
  void stays_within_its_bytes_however_many_keys_arrive() {
    long max = 256 * 1024;
    InMemoryStore store = new InMemoryStore(time, max);
    for (int i = 0; i < 10_000; i++) {
      store.put("key-" + i, List.of(entry(1024)), Duration.ofHours(1));
    }

    assertThat(store.weightedSize()).isLessThanOrEqualTo(max).isGreaterThan(max / 2);
  }

  @Test
  void an_entry_weighs_at_least_its_body() {
    assertThat(entry(5000).weight()).isGreaterThan(5000);
  }

  @Test
  void removes_by_key_and_by_test() {
    InMemoryStore store = new InMemoryStore(time, 1 << 20);
    store.put("r\na", List.of(entry(1)), Duration.ofHours(1));
    store.put("r\nb", List.of(entry(1)), Duration.ofHours(1));
    store.put("s\nc", List.of(entry(1)), Duration.ofHours(1));

    store.remove("r\na");
    long removed = store.removeIf((key, variants) -> key.startsWith("r\n")).toCompletableFuture().join();

    assertThat(removed).isEqualTo(1);
    assertThat(get(store, "r\nb")).isEmpty();
    assertThat(get(store, "s\nc")).hasSize(1);
  }
}
