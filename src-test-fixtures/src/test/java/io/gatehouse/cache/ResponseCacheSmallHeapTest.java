package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Run in a 128 MiB heap (the fixtures' small-heap execution): 4,096 distinct keys of 64 KiB
 * each, 256 MiB in all, through a cache bounded at 16 MiB, twice. Every answer is offered to the
 * store, which keeps at most its bound (which keys it keeps is Caffeine's choice): the heap never
 * fills, the second pass finds no more than 16 MiB of them, and the cache still answers after it.
 */
class ResponseCacheSmallHeapTest {
  private static final int KEYS = 4096;
  private static final int BODY = 64 * 1024;

  @Test
  void many_distinct_keys_stay_within_the_cache_bound_in_a_small_heap() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).as("run in the small-heap execution").isLessThan(KEYS * (long) BODY);
    byte[] page = new byte[BODY];
    AtomicInteger upstreamCalls = new AtomicInteger();
    try (Gateway gateway = Gateway.builder().accessLog(false)
        .transport(call -> {
          upstreamCalls.incrementAndGet();
          return CompletableFuture.completedFuture(Response.builder(200).header("Cache-Control", "public, max-age=3600")
              .header("Content-Type", "application/octet-stream").body(Body.of(page)).build());
        })
        .route("pages", r -> r.path("/pages/**")
            .cache(ResponseCache.shared("pages").maxBytes(16L * 1024 * 1024).maxEntryBytes(BODY + 1024))
            .upstream("http://pages:1"))
        .build()) {
      for (int i = 0; i < KEYS; i++) {
        assertThat(bodyLength(gateway, "/pages/" + i)).isEqualTo(BODY);
      }
      assertThat(upstreamCalls.get()).isEqualTo(KEYS);

      for (int i = 0; i < KEYS; i++) {
        assertThat(bodyLength(gateway, "/pages/" + i)).isEqualTo(BODY);
      }
      int hits = 2 * KEYS - upstreamCalls.get();
      assertThat(hits).as("answers from the cache hold at most its 16 MiB (256 bodies of 64 KiB)").isLessThanOrEqualTo(256);

      // Caffeine admits a new key over the keys it holds once the key is asked for more often than they.
      int before = upstreamCalls.get();
      for (int i = 0; i < 8; i++) {
        bodyLength(gateway, "/pages/hot");
      }
      assertThat(upstreamCalls.get() - before).as("after the flood a key in demand is stored and answered").isLessThan(8);
    }
  }

  private static int bodyLength(Gateway gateway, String path) throws Exception {
    Response r = gateway.handle(Request.builder("GET", path).header("Host", "pages.example.com").build())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    return r.body().bytes(1 << 20).toCompletableFuture().get(10, TimeUnit.SECONDS).length;
  }
}
