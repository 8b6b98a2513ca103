package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseCacheTest {

  @Test
  void defaults_are_64_mib_in_memory_1_mib_entries_whole_query_no_ttl_and_5_s_coalescing() {
    ResponseCache c = ResponseCache.shared("products");
    assertThat(c.name()).isEqualTo("products");
    assertThat(c.maxBytes()).isEqualTo(64L << 20);
    assertThat(c.maxEntryBytes()).isEqualTo(1L << 20);
    assertThat(c.defaultTtl()).isEmpty();
    assertThat(c.keyQueryParameters()).isEmpty();
    assertThat(c.keyHeaders()).isEmpty();
    assertThat(c.isKeyedByConsumer()).isFalse();
    assertThat(c.coalescingWait()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.store()).isEmpty();
    assertThat(c.maxBytes(2048).maxEntryBytes()).as("the default entry cap fits a small cache").isEqualTo(2048);
  }

  @Test
  void setters_return_changed_copies() {
    ResponseCache base = ResponseCache.shared("c");
    ResponseCache changed = base.maxBytes(10).maxEntryBytes(5).defaultTtl(Duration.ofSeconds(3))
        .keyQueryParameters("b", "a", "b").keyHeaders("X-Tenant", "x-tenant", "Accept").keyByConsumer()
        .coalescingWait(Duration.ZERO);

    assertThat(base).isEqualTo(ResponseCache.shared("c")).hasSameHashCodeAs(ResponseCache.shared("c"));
    assertThat(changed.maxBytes()).isEqualTo(10);
    assertThat(changed.maxEntryBytes()).isEqualTo(5);
    assertThat(changed.defaultTtl()).contains(Duration.ofSeconds(3));
    assertThat(changed.keyQueryParameters()).contains(List.of("b", "a"));
    assertThat(changed.keyHeaders()).containsExactly("x-tenant", "accept");
    assertThat(changed.isKeyedByConsumer()).isTrue();
    assertThat(changed.coalescingWait()).isZero();
    assertThat(changed).isNotEqualTo(base);
    assertThat(changed.toString()).contains("name=c", "maxBytes=10", "keyHeaders=[x-tenant, accept]");
    assertThat(base.keyWithoutQuery().keyQueryParameters()).contains(List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a/b", "ä", "12345678901234567890123456789012345678901234567890123456789012345"})
  void a_name_must_be_a_short_identifier(String name) {
    assertThatThrownBy(() -> ResponseCache.shared(name)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache name: '" + name + "' (expected: 1 to 64 of letters, digits, '.', '_', '-')");
  }

  @Test
  void setters_reject_nonsense_at_once() {
    ResponseCache c = ResponseCache.shared("c");
    assertThatThrownBy(() -> c.maxBytes(0)).hasMessageContaining("maxBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> c.maxEntryBytes(-1)).hasMessageContaining("maxEntryBytes: -1 (expected: > 0)");
    assertThatThrownBy(() -> c.defaultTtl(Duration.ZERO)).hasMessageContaining("defaultTtl: PT0S");
    assertThatThrownBy(() -> c.coalescingWait(Duration.ofSeconds(-1))).hasMessageContaining("coalescingWait: PT-1S");
    assertThatThrownBy(() -> c.keyQueryParameters("")).hasMessageContaining("keyQueryParameters: '' (expected: a non-empty name)");
    assertThatThrownBy(() -> c.keyHeaders("Bad Name")).hasMessageContaining("keyHeaders: 'Bad Name' (expected: an RFC 9110 token)");
    assertThatThrownBy(() -> c.store(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void a_cached_response_copies_its_body_and_refuses_times_out_of_order() {
    Instant t = Instant.parse("2026-12-07T12:00:00Z");
    byte[] body = {1, 2, 3};
    CachedResponse r = CachedResponse.of(200, HttpHeaders.of("ETag", "\"1\""), body, t, t.plusSeconds(1),
        Map.of("accept", "x"));
    body[0] = 9;

    assertThat(r.body().get(0)).isEqualTo((byte) 1);
    assertThat(r.body().isReadOnly()).isTrue();
    assertThat(r.bodyLength()).isEqualTo(3);
    assertThat(r.varyValues()).containsEntry("accept", "x");
    assertThat(r.refreshed(HttpHeaders.of(), t.plusSeconds(5), t.plusSeconds(6)).bodyLength()).isEqualTo(3);
    assertThatThrownBy(() -> CachedResponse.of(200, HttpHeaders.of(), body, t, t.minusSeconds(1), Map.of()))
        .hasMessageContaining("responseTime: 2026-12-07T11:59:59Z (expected: >= requestTime 2026-12-07T12:00:00Z)");
    assertThat(Optional.of(r.toString())).get().asString().contains("3 bytes");
  }
}
