package io.gatehouse.impl.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.AsyncCache;
import io.gatehouse.TimeSource;
import io.gatehouse.auth.IntrospectionAuth;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.impl.cache.BoundedCaches;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opaque bearer tokens, checked at an RFC 7662 endpoint. Answers are cached by the token's
 * SHA-256 (the cache never holds a token) until the token's {@code exp}, capped by the maximum
 * TTL; inactive answers for their own TTL. Concurrent requests with one uncached token share one
 * call; a failed call is not cached, and is logged once per transition from working to failing.
 */
final class IntrospectionAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(IntrospectionAuthenticator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MEMBERS = new TypeReference<>() {};
  private static final String CHALLENGE = "Bearer realm=\"gatehouse\"";

  private final IntrospectionAuth auth;
  private final URI endpoint;
  private final HttpFetch fetch;
  private final TimeSource time;
  private final HttpHeaders clientAuthorization;
  private final AsyncCache<String, Answer> cache; // null when the cache size is 0
  private final AtomicBoolean failing = new AtomicBoolean();

  /**
   * An introspection answer: kept until a time on the monotonic scale (the cache TTL), usable until
   * the token's exp on the wall clock. A failed call is an answer too, kept until now, so Caffeine
   * drops it at once without logging a failed load.
   */
  private record Answer(Optional<Principal> principal, long keptUntilNanos, long expiresAtMillis, String failure) {}

  IntrospectionAuthenticator(IntrospectionAuth auth, URI endpoint, HttpFetch fetch, TimeSource time) {
    this.auth = auth;
    this.endpoint = endpoint;
    this.fetch = fetch;
    this.time = time;
    String credentials = formEncode(auth.clientId().orElse("")) + ":" + formEncode(auth.clientSecret().orElse(""));
    this.clientAuthorization = HttpHeaders.of("Authorization",
        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    this.cache = auth.cacheSize() == 0 ? null
        : BoundedCaches.<String, Answer>expiringAt(time, auth.cacheSize(), Answer::keptUntilNanos).buildAsync();
  }

  @Override
  public boolean hasCredentials(Request request) {
    return Credentials.bearer(request, Optional.empty()).isPresent();
  }

  @Override
  public String challenge() {
    return CHALLENGE;
  }

  @Override
  public CompletionStage<Outcome> authenticate(Request request) {
    String token = Credentials.bearer(request, Optional.empty()).orElseThrow();
    CompletableFuture<Answer> answer = cache == null
        ? introspect(token)
        : cache.get(Hashes.sha256Hex(token), (key, executor) -> introspect(token));
    return answer.thenApply(a -> {
      if (a.failure() != null) {
        if (failing.compareAndSet(false, true)) {
          log.warn("introspection {}: {}; requests with opaque tokens get 503 until it answers", endpoint, a.failure());
        }
        return Outcome.unavailable("the token cannot be checked now");
      }
      if (failing.compareAndSet(true, false)) {
        log.info("introspection {}: answering again", endpoint);
      }
      if (a.principal().isEmpty() || a.expiresAtMillis() <= time.wallClock().millis()) {
        return Outcome.rejected(JwtAuthenticator.invalidToken("the token is not active"), "the token is not active");
      }
      return Outcome.accepted(a.principal().get(), request);
    });
  }

  private CompletableFuture<Answer> introspect(String token) {
    String form = "token=" + formEncode(token) + "&token_type_hint=access_token";
    return fetch.postForm(endpoint, form, clientAuthorization, auth.timeout()).handle((fetched, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return failed("the call failed: " + cause);
      }
      if (fetched.status() != 200) {
        return failed("it answered " + fetched.status());
      }
      Map<String, Object> members;
      try {
        members = JSON.readValue(fetched.body(), MEMBERS);
      } catch (Exception e) {
        return failed("it answered something other than a JSON object");
      }
      members.values().removeIf(Objects::isNull);
      long now = time.nanoTime();
      if (!Boolean.TRUE.equals(members.get("active"))) {
        return new Answer(Optional.empty(), now + auth.inactiveCacheTtl().toNanos(), Long.MIN_VALUE, null);
      }
      long expiresAt = members.get("exp") instanceof Number exp ? exp.longValue() * 1000 : Long.MAX_VALUE;
      long kept = now + auth.maxCacheTtl().toNanos();
      long untilExp = expiresAt - time.wallClock().millis();
      if (untilExp < auth.maxCacheTtl().toMillis()) {
        kept = now + TimeUnit.MILLISECONDS.toNanos(Math.max(0, untilExp));
      }
      return new Answer(principal(members), kept, expiresAt, null);
    }).toCompletableFuture();
  }

  private Answer failed(String why) {
    return new Answer(Optional.empty(), time.nanoTime(), Long.MIN_VALUE, why);
  }

  private Optional<Principal> principal(Map<String, Object> members) {
    String id = null;
    for (String member : new String[] {"sub", "username", "client_id"}) {
      if (members.get(member) instanceof String s && !s.isEmpty()) {
        id = s;
        break;
      }
    }
    if (id == null) {
      return Optional.empty();
    }
    Principal draft = new Principal(id, Principal.Method.INTROSPECTION, Optional.empty(), Set.of(), Set.of(), members);
    return Optional.of(new Principal(id, Principal.Method.INTROSPECTION, Optional.empty(),
        JwtAuthenticator.scopes(draft), new LinkedHashSet<>(draft.claimStrings(auth.rolesClaim())), members));
  }

  private static String formEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
