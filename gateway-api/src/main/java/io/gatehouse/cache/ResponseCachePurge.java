package io.gatehouse.cache;

import java.util.concurrent.CompletionStage;

/**
 * Removes stored responses from one named response cache of a gateway, from code; the admin
 * endpoint's {@code POST /cache/purge} uses it too. Each method completes with how many keys (each
 * with its variants) it removed; a store that cannot answer completes it exceptionally. Purges scan
 * the store, so they are for operators and deployments, not for every request. Thread-safe.
 *
 * <pre>{@code
 * gateway.responseCache("products").orElseThrow().tag("sku-4711");   // Surrogate-Key: sku-4711 ...
 * gateway.responseCache("products").orElseThrow().pathPrefix("/catalog/shoes/");
 * }</pre>
 *
 * @since 0.2
 */
public interface ResponseCachePurge {

  /**
   * Removes every stored response of the cache.
   *
   * @return how many keys were removed
   */
  CompletionStage<Long> all();

  /**
   * Removes the stored responses of one route.
   *
   * @param routeId the route's id
   * @return how many keys were removed
   */
  CompletionStage<Long> route(String routeId);

  /**
   * Removes the stored responses of one URL, for every route, host and variant.
   *
   * @param pathAndQuery the normalized path, with {@code ?} and the raw query if it has one, as the
   *     key holds it ({@code /catalog/7?currency=EUR})
   * @return how many keys were removed
   */
  CompletionStage<Long> url(String pathAndQuery);

  /**
   * Removes the stored responses whose normalized path starts with a prefix.
   *
   * @param prefix the start of the path, such as {@code /catalog/}
   * @return how many keys were removed
   */
  CompletionStage<Long> pathPrefix(String prefix);

  /**
   * Removes the stored responses the upstream tagged with {@code Surrogate-Key: <tag> ...}
   * (space-separated tags; the header is kept for purging and not sent to clients).
   *
   * @param tag one tag
   * @return how many keys were removed
   */
  CompletionStage<Long> tag(String tag);
}
