package io.gatehouse.impl.auth;

import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.ApiKeyAuth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.Request;
import io.gatehouse.impl.routing.QueryParameters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * API keys: hashed with SHA-256, looked up by hash, and confirmed with a constant-time comparison
 * of the hashes, so neither the lookup nor the comparison times the key itself.
 */
final class ApiKeyAuthenticator implements Authenticator {
  private static final String CHALLENGE = "ApiKey realm=\"gatehouse\"";
  private static final String INVALID = "the API key is not valid";

  private final ApiKeyAuth auth;
  private final ConsumerStore store;

  ApiKeyAuthenticator(ApiKeyAuth auth, ConsumerStore store) {
    this.auth = auth;
    this.store = store;
  }

  @Override
  public boolean hasCredentials(Request request) {
    return key(request).isPresent();
  }

  @Override
  public String challenge() {
    return CHALLENGE;
  }

  private Optional<String> key(Request request) {
    List<String> headers = request.headers().all(auth.header());
    if (headers.size() == 1 && !headers.get(0).isBlank()) {
      return Optional.of(headers.get(0).trim());
    }
    if (headers.isEmpty() && auth.query().isPresent() && request.rawQuery().isPresent()) {
      List<String> values = QueryParameters.parse(request.rawQuery().get()).getOrDefault(auth.query().get(), List.of());
      if (values.size() == 1 && !values.get(0).isBlank()) {
        return Optional.of(values.get(0));
      }
    }
    return Optional.empty();
  }

  @Override
  public CompletionStage<Outcome> authenticate(Request request) {
    String hash = ApiConsumer.hashApiKey(key(request).orElseThrow());
    return store.findByApiKeyHash(hash).thenApply(found -> {
      if (found.isEmpty() || !ownsKey(found.get(), hash)) {
        return Outcome.rejected(CHALLENGE, INVALID);
      }
      return Outcome.accepted(Principal.of(found.get(), Principal.Method.API_KEY), forwarded(request));
    });
  }

  private static boolean ownsKey(ApiConsumer consumer, String hash) {
    byte[] presented = hash.getBytes(StandardCharsets.US_ASCII);
    boolean owns = false;
    for (String stored : consumer.apiKeyHashes()) {
      owns |= MessageDigest.isEqual(presented, stored.getBytes(StandardCharsets.US_ASCII));
    }
    return owns;
  }

  private Request forwarded(Request request) {
    if (auth.forwardsKey()) {
      return request;
    }
    Request.Builder b = request.toBuilder().headers(request.headers().toBuilder().remove(auth.header()).build());
    if (auth.query().isPresent() && request.rawQuery().isPresent()) {
      Optional<String> rest = QueryParameters.without(request.rawQuery().get(), auth.query().get());
      if (rest.isPresent()) {
        b.rawQuery(rest.get());
      } else {
        b.noQuery();
      }
    }
    return b.build();
  }
}
