package io.gatehouse.impl.auth;

import io.gatehouse.TimeSource;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.auth.JwtKey;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of one JWKS URL, fetched through the gateway's transport and kept in memory.
 *
 * <ul>
 *   <li>The first request that needs keys waits (asynchronously) for the first fetch.
 *   <li>Keys older than the refresh interval are fetched again in the background; requests go on
 *       with the keys at hand.
 *   <li>An unknown kid causes a fetch only if none started within the minimum interval; requests
 *       that arrive during a fetch share it. A storm of made-up kids costs one fetch per interval.
 *   <li>A failed fetch keeps the keys at hand (served stale) and is logged once per transition.
 * </ul>
 * Intervals are measured on the gateway's monotonic time.
 */
final class JwksKeySource {
  private static final Logger log = LoggerFactory.getLogger(JwksKeySource.class);

  private final URI url;
  private final HttpFetch fetch;
  private final TimeSource time;
  private final JwtAuth auth;
  private final long refreshNanos;
  private final long minRefetchNanos;
  private final Duration timeout;

  private final Object lock = new Object();
  private volatile KeySet keys; // null until the first fetch succeeds
  private CompletableFuture<KeySet> inFlight; // guarded by lock
  private boolean attempted; // guarded by lock
  private long lastAttemptNanos; // time.nanoTime(), once attempted; guarded by lock
  private boolean failing; // guarded by lock

  JwksKeySource(URI url, JwtAuth auth, HttpFetch fetch, TimeSource time) {
    this.url = url;
    this.auth = auth;
    this.fetch = fetch;
    this.time = time;
    this.refreshNanos = auth.jwksRefresh().toNanos();
    this.minRefetchNanos = auth.jwksMinRefetch().toNanos();
    this.timeout = auth.jwksTimeout();
  }

  /**
   * The verifiers by kid, as fetched at some time.nanoTime(); immutable. Each fetch makes a new
   * one, so the object names one generation of the key set.
   */
  record KeySet(Map<Optional<String>, KeyVerifier> byKid, long fetchedAtNanos) {
    Lookup find(Optional<String> kid) {
      return new Lookup(Optional.ofNullable(byKid.get(kid)), this);
    }
  }

  /** The verifier found for a kid (empty when unknown), and the key set it was looked up in. */
  record Lookup(Optional<KeyVerifier> key, KeySet in) {}

  /**
   * The verifier for a kid: from the keys at hand, else after a fetch when the rules allow one.
   * Completes empty when the key is unknown; exceptionally only when no keys were ever fetched.
   */
  CompletionStage<Optional<KeyVerifier>> find(Optional<String> kid) {
    return lookup(kid).thenApply(Lookup::key);
  }

  /** As {@link #find}, with the key set the key was looked up in. */
  CompletionStage<Lookup> lookup(Optional<String> kid) {
    KeySet current = keys;
    long now = time.nanoTime();
    if (current == null) {
      return fetchNow(now, true).thenApply(set -> set.find(kid));
    }
    Lookup found = current.find(kid);
    if (found.key().isPresent()) {
      refreshIfDue(current, now);
      return CompletableFuture.completedFuture(found);
    }
    CompletableFuture<KeySet> refetch = fetchNow(now, false);
    if (refetch == null) {
      return CompletableFuture.completedFuture(found);
    }
    return refetch.handle((set, failure) -> (set != null ? set : current).find(kid));
  }

  /** The keys at hand: a new {@link KeySet} after every successful fetch; null until the first. */
  KeySet current() {
    return keys;
  }

  /**
   * Starts a background fetch if the keys at hand are older than the refresh interval (and the
   * minimum interval allows one), as {@link #find} does for a known kid: for requests that need no
   * key because their token was verified before.
   */
  void refreshIfDue() {
    KeySet current = keys;
    if (current != null) {
      refreshIfDue(current, time.nanoTime());
    }
  }

  private void refreshIfDue(KeySet current, long now) {
    if (now - current.fetchedAtNanos() >= refreshNanos) {
      fetchNow(now, false);
    }
  }

  /**
   * Starts a fetch, or joins the one in flight. Without {@code force}, returns null when the
   * minimum interval since the last attempt has not passed.
   */
  private CompletableFuture<KeySet> fetchNow(long now, boolean force) {
    CompletableFuture<KeySet> started;
    synchronized (lock) {
      if (inFlight != null) {
        return inFlight;
      }
      if (!force && tooSoon(now)) {
        return null;
      }
      if (force && keys == null && failing && tooSoon(now)) {
        return CompletableFuture.failedFuture(new IllegalStateException("JWKS " + url + " is unavailable"));
      }
      attempted = true;
      lastAttemptNanos = now;
      started = new CompletableFuture<>();
      inFlight = started;
    }
    CompletionStage<HttpFetch.Fetched> call;
    try {
      call = fetch.get(url, timeout);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e); // finish() must run, or the in-flight fetch would never end
    }
    call.whenComplete((fetched, failure) -> {
      KeySet set = null;
      String problem;
      if (failure != null) {
        problem = String.valueOf(failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure);
      } else if (fetched.status() != 200) {
        problem = "status " + fetched.status();
      } else {
        problem = null;
        try {
          List<JwtKey> parsed = JwksParser.parse(fetched.body());
          if (parsed.isEmpty()) {
            problem = "no usable signature key";
          } else {
            set = keySet(parsed);
          }
        } catch (Exception e) {
          problem = e.getMessage();
        }
      }
      finish(set, problem, started);
    });
    return started;
  }

  private void finish(KeySet set, String problem, CompletableFuture<KeySet> started) {
    boolean recovered;
    boolean broke;
    synchronized (lock) {
      inFlight = null;
      recovered = set != null && failing;
      broke = set == null && !failing;
      failing = set == null;
      if (set != null) {
        keys = set;
      }
    }
    if (broke) {
      log.warn("JWKS {}: fetch failed ({}); {}", url, problem,
          keys == null ? "tokens cannot be verified until it succeeds" : "serving the keys fetched before");
    } else if (recovered) {
      log.info("JWKS {}: fetched again after failures", url);
    }
    if (set != null) {
      started.complete(set);
    } else {
      started.completeExceptionally(new IllegalStateException("JWKS " + url + ": " + problem));
    }
  }

  /** Whether the minimum interval since the last attempt has not passed; under lock. */
  private boolean tooSoon(long now) {
    return attempted && now - lastAttemptNanos < minRefetchNanos;
  }

  private KeySet keySet(List<JwtKey> parsed) {
    Map<Optional<String>, KeyVerifier> byKid = new HashMap<>();
    for (JwtKey key : parsed) {
      if (byKid.putIfAbsent(key.kid(), new KeyVerifier(key, auth, time.wallClock())) != null) {
        log.warn("JWKS {}: two keys with kid {}; using the first", url, key.kid().orElse("(none)"));
      }
    }
    return new KeySet(Map.copyOf(byKid), time.nanoTime());
  }
}
