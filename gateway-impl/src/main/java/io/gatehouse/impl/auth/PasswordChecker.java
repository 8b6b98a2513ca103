package io.gatehouse.impl.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.gatehouse.TimeSource;
import io.gatehouse.auth.PasswordHash;
import io.gatehouse.impl.cache.BoundedCaches;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks Basic-auth passwords against their PBKDF2 hashes on threads of its own (the hash is slow
 * on purpose and must not run on an I/O thread), with a bounded queue: past it, the check is
 * refused rather than queued without end.
 *
 * <p>A password that matched is remembered for a short while, keyed by a keyed hash of user,
 * stored hash and password (never the password itself), so a client that sends Basic on every
 * request pays PBKDF2 once per period, and a changed password misses the cache at once. An unknown
 * user is checked against a dummy hash, so timing does not tell which users exist.
 */
final class PasswordChecker implements AutoCloseable {
  static final Duration REMEMBER = Duration.ofMinutes(5);
  private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  private static final int QUEUE = 256;

  private final ThreadPoolExecutor executor;
  private final Cache<String, Boolean> verified;
  private final byte[] cacheKeySalt = new byte[32];
  private volatile PasswordHash dummy; // made on first use: hashing it takes as long as a check

  PasswordChecker(TimeSource time) {
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "gatehouse-password-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.allowCoreThreadTimeOut(true);
    this.verified = BoundedCaches.<String, Boolean>expiringAfterWrite(time, 10_000, REMEMBER).build();
    new SecureRandom().nextBytes(cacheKeySalt);
  }

  /**
   * Whether the password matches; {@code hash} empty means the user is unknown (always false,
   * after as much work as a real check). Fails with RejectedExecutionException when overloaded.
   */
  CompletionStage<Boolean> matches(String user, Optional<PasswordHash> hash, String password) {
    String cacheKey = hash.map(h -> cacheKey(user, h, password)).orElse(null);
    if (cacheKey != null && verified.getIfPresent(cacheKey) != null) {
      return CompletableFuture.completedFuture(true);
    }
    try {
      return CompletableFuture.supplyAsync(() -> {
        boolean ok = hash.orElseGet(this::dummy).matches(password) && hash.isPresent();
        if (ok) {
          verified.put(cacheKey, Boolean.TRUE);
        }
        return ok;
      }, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private PasswordHash dummy() {
    PasswordHash d = dummy;
    if (d == null) {
      d = PasswordHash.of("not a password of anyone's");
      dummy = d;
    }
    return d;
  }

  private String cacheKey(String user, PasswordHash hash, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(cacheKeySalt);
      for (String part : new String[] {user, hash.encoded(), password}) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
