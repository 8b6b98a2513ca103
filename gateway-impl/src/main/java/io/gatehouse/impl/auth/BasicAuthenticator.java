package io.gatehouse.impl.auth;

import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.BasicAuth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.Request;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** HTTP Basic against consumers' password hashes; the user name is the consumer id. */
final class BasicAuthenticator implements Authenticator {
  private final String challenge;
  private final ConsumerStore store;
  private final PasswordChecker passwords;

  BasicAuthenticator(BasicAuth auth, ConsumerStore store, PasswordChecker passwords) {
    this.challenge = "Basic realm=\"" + auth.realm() + "\", charset=\"UTF-8\"";
    this.store = store;
    this.passwords = passwords;
  }

  @Override
  public boolean hasCredentials(Request request) {
    return Credentials.authorization(request, "Basic").isPresent();
  }

  @Override
  public String challenge() {
    return challenge;
  }

  @Override
  public CompletionStage<Outcome> authenticate(Request request) {
    String user;
    String password;
    try {
      byte[] decoded = Base64.getDecoder().decode(Credentials.authorization(request, "Basic").orElseThrow());
      String pair = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(decoded)).toString();
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        return CompletableFuture.completedFuture(Outcome.rejected(challenge, "the Basic credentials are malformed"));
      }
      user = pair.substring(0, colon);
      password = pair.substring(colon + 1);
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return CompletableFuture.completedFuture(Outcome.rejected(challenge, "the Basic credentials are malformed"));
    }
    return store.findById(user).thenCompose(found -> {
      Optional<ApiConsumer> consumer = found;
      return passwords.matches(user, consumer.flatMap(ApiConsumer::password), password).thenApply(ok -> ok
          ? Outcome.accepted(Principal.of(consumer.get(), Principal.Method.BASIC), withoutAuthorization(request))
          : Outcome.rejected(challenge, "the user name or password is not valid"));
    });
  }

  private static Request withoutAuthorization(Request request) {
    return request.toBuilder().headers(request.headers().toBuilder().remove("Authorization").build()).build();
  }
}
