package io.gatehouse.examples.cache;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.cache.CacheOutcome;
import io.gatehouse.redis.RedisResponseCacheStore;
import io.gatehouse.testing.GatewayTester;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's shared-cache example, with no Redis at all (the module's own tests run it on a
 * real redis-server): every request still gets the upstream's answer, without caching.
 */
class SharedCacheGatewayTest {
  private final RedisResponseCacheStore store = SharedCacheGateway.store("redis://127.0.0.1:" + closedPort());
  private final GatewayTester tester = GatewayTester.of(SharedCacheGateway.gateway(store, "http://catalog:8080"))
      .stubUpstream("http://catalog:8080", catalog -> catalog.respond(200, "{\"sku\":7}"));

  @AfterEach
  void close() {
    tester.close();
    store.close();
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void without_redis_every_request_is_answered_by_the_upstream_uncached() {
    for (int i = 0; i < 3; i++) {
      assertThat(tester.get("/catalog/7").send()).hasStatus(200).hasBody("{\"sku\":7}")
          .hasCacheOutcome(CacheOutcome.BYPASS).upstreamCalls(1);
    }
  }
}
