package io.gatehouse;

import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.internal.Text;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling: how routes that set no authentication authenticate, the consumers the gateway
 * knows (declared one by one, or in a store), and the headers that tell upstreams who is calling.
 * Immutable; made by {@link Gateway.Builder} ({@code auth}, {@code consumer}, {@code consumers},
 * {@code identityHeaders}).
 *
 * <p>{@code List<ApiConsumer> consumers = gateway.spec().identity().consumers();}
 *
 * @since 0.1
 */
public final class IdentitySettings {
  private final Auth auth;
  private final List<ApiConsumer> consumers;
  private final Optional<ConsumerStore> consumerStore;
  private final IdentityHeaders headers;

  IdentitySettings(Auth auth, List<ApiConsumer> consumers, Optional<ConsumerStore> consumerStore,
      IdentityHeaders headers) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.consumers = List.copyOf(consumers);
    this.consumerStore = Objects.requireNonNull(consumerStore, "consumerStore");
    this.headers = Objects.requireNonNull(headers, "headers");
  }

  /**
   * The authentication of every route that sets none.
   *
   * @return the default; {@link Auth#none()} unless set
   */
  public Auth auth() {
    return auth;
  }

  /**
   * The consumers declared one by one, kept in an in-memory store.
   *
   * @return the consumers, in declaration order
   */
  public List<ApiConsumer> consumers() {
    return consumers;
  }

  /**
   * A store of consumers kept elsewhere.
   *
   * @return the store, or empty
   */
  public Optional<ConsumerStore> consumerStore() {
    return consumerStore;
  }

  /**
   * The headers that tell upstreams who is calling.
   *
   * @return the identity headers
   */
  public IdentityHeaders headers() {
    return headers;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentitySettings i && auth.equals(i.auth) && consumers.equals(i.consumers)
        && consumerStore.equals(i.consumerStore) && headers.equals(i.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(auth, consumers, consumerStore, headers);
  }

  @Override
  public String toString() {
    return Text.fields(this, "auth", auth, "consumers", consumers, "consumerStore", consumerStore,
        "headers", headers);
  }
}
