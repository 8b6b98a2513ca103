package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.cache.ResponseCacheStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/** Every mistake in a route's response cache fails build(), naming the route and the field, all at once. */
class ResponseCacheConfigValidationTest {

  private static List<String> violations(Gateway.Builder builder) {
    try {
      builder.build().close();
    } catch (GatewayConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected build() to fail");
  }

  private static Gateway.Builder builder() {
    return Gateway.builder().transport(RecordingTransport.answering(200));
  }

  @Test
  void every_mistake_is_reported_with_its_route_and_field() {
    ResponseCacheStore custom = new NoStore();
    assertThat(violations(builder()
        .route("static", r -> r.path("/s").cache(ResponseCache.shared("a")).respond(200, "text/plain", "hi"))
        .route("cap", r -> r.path("/c").cache(ResponseCache.shared("b").maxBytes(1000).maxEntryBytes(1001))
            .upstream("http://o:1"))
        .route("huge", r -> r.path("/h").cache(ResponseCache.shared("h").store(custom).maxEntryBytes(1L << 40))
            .upstream("http://o:1"))
        .route("first", r -> r.path("/f").cache(ResponseCache.shared("shared").maxBytes(2048)).upstream("http://o:1"))
        .route("second", r -> r.path("/g").cache(ResponseCache.shared("shared").maxBytes(4096).maxEntryBytes(1024)
            .store(custom)).upstream("http://o:1"))))
        .containsExactly(
            "route 'static': cache: 'a' on a route with a static response (expected: a route with an upstream)",
            "route 'cap': cache.maxEntryBytes: 1001 (expected: <= maxBytes 1000)",
            "route 'huge': cache.maxEntryBytes: 1099511627776 (expected: <= 2147483639)",
            "route 'second': cache.maxBytes: 4096 for cache 'shared' (expected: 2048, as route 'first' has it)",
            "route 'second': cache.store: " + NoStore.class.getName() + " for cache 'shared' (expected: the built-in"
                + " store, as route 'first' has it)");
  }

  @Test
  void an_aggregating_route_caches_nothing_a_partial_answer_could_be_stored_as_whole() {
    assertThat(violations(builder().route("agg", r -> r.path("/p/{id}").cache(ResponseCache.shared("a"))
        .aggregate(io.gatehouse.aggregate.Aggregation.of(io.gatehouse.aggregate.Backend.of("u", "http://o:1", "/u/{id}"))))))
        .containsExactly("route 'agg': cache: 'a' on an aggregating route (expected: a route with an upstream;"
            + " cache the backends' own routes)");
  }

  @Test
  void a_custom_store_needs_no_entry_cap_below_the_built_in_size_and_routes_may_share_a_cache_with_own_keys() {
    ResponseCacheStore custom = new NoStore();
    ResponseCache shared = ResponseCache.shared("s").store(custom).maxBytes(10);
    try (Gateway gateway = builder()
        .route("a", r -> r.path("/a").cache(shared.maxEntryBytes(100)).upstream("http://o:1"))
        .route("b", r -> r.path("/b").cache(shared.keyByConsumer().defaultTtl(Duration.ofSeconds(1))).upstream("http://o:1"))
        .build()) {
      assertThat(gateway.chains().get("a")).last().isNotEqualTo("response cache 's' of route 'a'");
      assertThat(gateway.chains().get("a")).contains("response cache 's' of route 'a'");
    }
  }

  private static final class NoStore implements ResponseCacheStore {
    @Override
    public CompletionStage<List<CachedResponse>> get(String key) {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletionStage<Void> put(String key, List<CachedResponse> variants, Duration keepFor) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> remove(String key) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Long> removeIf(BiPredicate<String, List<CachedResponse>> test) {
      return CompletableFuture.completedFuture(0L);
    }
  }
}
