package io.gatehouse.impl.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.auth.PasswordHash;
import io.gatehouse.impl.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The password checker: PBKDF2 on threads of its own with a bounded queue, a dummy check for
 * unknown users, and matches remembered for a while by a keyed hash of user, stored hash and
 * password. A closed checker runs nothing, which tells a remembered answer from a computed one.
 */
class PasswordCheckerTest {
  private static final PasswordHash HASH = PasswordHash.of("correct horse", PasswordHash.MIN_ITERATIONS);

  private final MutableClock clock = new MutableClock();
  private final PasswordChecker checker = AuthHarness.passwordChecker(clock);

  @AfterEach
  void close() {
    checker.close();
  }

  private static boolean await(CompletableFuture<Boolean> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private boolean check(String user, Optional<PasswordHash> hash, String password) {
    return await(checker.matches(user, hash, password).toCompletableFuture());
  }

  /** Whether the checker answers true from memory: a closed checker can answer only so. */
  private boolean remembered(String user, PasswordHash hash, String password) {
    CompletableFuture<Boolean> f = checker.matches(user, Optional.of(hash), password).toCompletableFuture();
    if (!f.isDone()) {
      return false;
    }
    try {
      return f.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(RejectedExecutionException.class);
      return false;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void checks_passwords_against_their_hash() {
    assertThat(check("alice", Optional.of(HASH), "correct horse")).isTrue();
    assertThat(check("alice", Optional.of(HASH), "correct horse ")).isFalse();
    assertThat(check("alice", Optional.of(HASH), "")).isFalse();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "correct horse", "not a password of anyone's"})
  void an_unknown_user_never_matches_not_even_the_dummy_password(String password) {
    assertThat(check("mallory", Optional.empty(), password)).isFalse();
  }

  @Test
  void a_match_is_remembered_for_five_minutes() {
    assertThat(check("alice", Optional.of(HASH), "correct horse")).isTrue();
    checker.close();

    assertThat(remembered("alice", HASH, "correct horse")).isTrue();
    clock.advance(PasswordChecker.REMEMBER.minusMillis(1));
    assertThat(remembered("alice", HASH, "correct horse")).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(remembered("alice", HASH, "correct horse")).isFalse();
  }

  @Test
  void what_is_remembered_is_the_match_of_that_user_hash_and_password_only() {
    PasswordHash changed = PasswordHash.of("correct horse", PasswordHash.MIN_ITERATIONS);
    assertThat(check("alice", Optional.of(HASH), "correct horse")).isTrue();
    assertThat(check("alice", Optional.of(HASH), "wrong")).isFalse();
    checker.close();

    assertThat(remembered("alice", HASH, "wrong")).isFalse();
    assertThat(remembered("alice", HASH, "correct horsf")).isFalse();
    assertThat(remembered("alicf", HASH, "correct horse")).isFalse();
    assertThat(remembered("alice", changed, "correct horse")).as("a changed password misses at once").isFalse();
    assertThat(remembered("alice", HASH, "correct horse")).isTrue();
  }

  @Test
  void a_mismatch_is_not_remembered() {
    assertThat(check("alice", Optional.of(HASH), "wrong")).isFalse();
    assertThat(check("alice", Optional.of(HASH), "wrong")).isFalse();
    checker.close();

    assertThat(remembered("alice", HASH, "wrong")).isFalse();
  }

  @Test
  void checks_run_on_named_daemon_threads_that_stop_on_close() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    assertThat(check("alice", Optional.of(HASH), "correct horse")).isTrue();
    List<Thread> started = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("gatehouse-password-") && !before.contains(t)).toList();

    assertThat(started).isNotEmpty().allSatisfy(t -> assertThat(t.isDaemon()).as(t.getName()).isTrue());
    checker.close();
    for (Thread t : started) {
      t.join(10_000);
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
  }

  @Test
  void past_the_bounded_queue_a_check_is_refused_rather_than_queued() {
    // Slow hashes keep the threads busy while the queue fills.
    PasswordHash slow = PasswordHash.of("slow", PasswordHash.DEFAULT_ITERATIONS);
    List<CompletableFuture<Boolean>> accepted = new ArrayList<>();
    CompletableFuture<Boolean> refused = null;
    for (int i = 0; i < 2_000 && refused == null; i++) {
      CompletableFuture<Boolean> f = checker.matches("u" + i, Optional.of(slow), "x").toCompletableFuture();
      if (f.isCompletedExceptionally()) {
        refused = f;
      } else {
        accepted.add(f);
      }
    }

    assertThat(refused).isNotNull();
    assertThat(accepted.size()).isGreaterThanOrEqualTo(256);
    assertThat(refused).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(RejectedExecutionException.class);
  }
}
