package io.gatehouse.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link ConsumerStore#of}: two immutable maps, answered at once. */
final class InMemoryConsumerStore implements ConsumerStore {
  private final Map<String, ApiConsumer> byId;
  private final Map<String, ApiConsumer> byKeyHash;

  private InMemoryConsumerStore(Map<String, ApiConsumer> byId, Map<String, ApiConsumer> byKeyHash) {
    this.byId = Map.copyOf(byId);
    this.byKeyHash = Map.copyOf(byKeyHash);
  }

  static InMemoryConsumerStore of(Collection<ApiConsumer> consumers) {
    Map<String, ApiConsumer> byId = new HashMap<>();
    Map<String, ApiConsumer> byKeyHash = new HashMap<>();
    for (ApiConsumer c : consumers) {
      if (byId.putIfAbsent(c.id(), c) != null) {
        throw new IllegalArgumentException("consumers: '" + c.id() + "' is declared twice (expected: unique ids)");
      }
      for (String hash : c.apiKeyHashes()) {
        ApiConsumer other = byKeyHash.putIfAbsent(hash, c);
        if (other != null) {
          throw new IllegalArgumentException("consumers: '" + c.id() + "' has an API key that '" + other.id()
              + "' has too (expected: every key belongs to one consumer)");
        }
      }
    }
    return new InMemoryConsumerStore(byId, byKeyHash);
  }

  @Override
  public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash) {
    return CompletableFuture.completedFuture(Optional.ofNullable(byKeyHash.get(apiKeyHash)));
  }

  @Override
  public CompletionStage<Optional<ApiConsumer>> findById(String id) {
    return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(id)));
  }

  @Override
  public String toString() {
    return "ConsumerStore.of(" + byId.size() + " consumers)";
  }
}
