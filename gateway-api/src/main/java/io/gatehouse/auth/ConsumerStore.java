package io.gatehouse.auth;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the gateway looks consumers up. The gateway builds an in-memory store from the
 * consumers declared with {@code Gateway.Builder.consumer(...)}; implement this to keep them
 * elsewhere (a database, a directory).
 *
 * <p>{@code Gateway.builder().consumers(ConsumerStore.of(List.of(alice, bob)))}
 *
 * <p>Threading: both methods are called on the thread that handles the request, which may be a
 * server I/O thread: return at once, and complete the stage from another thread if the lookup
 * does I/O. A stage that fails makes the request fail with 503.
 *
 * @since 0.1
 */
public interface ConsumerStore {

  /**
   * The consumer that owns an API key.
   *
   * @param apiKeyHash the key's hash, as {@link ApiConsumer#hashApiKey} makes it
   * @return the consumer, or empty if no consumer has that key
   */
  CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash);

  /**
   * The consumer with an id.
   *
   * @param id the consumer id
   * @return the consumer, or empty if there is none
   */
  CompletionStage<Optional<ApiConsumer>> findById(String id);

  /**
   * An immutable in-memory store.
   *
   * @param consumers consumers with unique ids and unique API keys
   * @return the store
   * @throws IllegalArgumentException naming a duplicate id or a key two consumers share
   */
  static ConsumerStore of(Collection<ApiConsumer> consumers) {
    return InMemoryConsumerStore.of(consumers);
  }
}
