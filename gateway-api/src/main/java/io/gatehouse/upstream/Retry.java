package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a route retries a failed upstream call: at most {@code maxRetries} more attempts, each to
 * another target when the upstream has one, after an exponential backoff with full jitter
 * ({@code backoff} doubled per retry, at most {@code maxBackoff}). Only failures in {@code on}
 * and statuses in {@code statuses} are retried, and only for idempotent methods (GET, HEAD,
 * OPTIONS, TRACE, PUT, DELETE) unless the request carries the {@code idempotencyKey} header. A
 * request body is kept for a retry only when its length is known and at most
 * {@code maxBufferedBody}; a body that streamed away is never resent. The retry budget keeps
 * retries under {@code budgetRatio} of the route's requests (plus {@code budgetMinPerSecond}), so
 * retries cannot multiply an outage. The route's {@code timeout} bounds all attempts together.
 *
 * <p>An answer with {@code Retry-After} (delta-seconds or an HTTP date; values past a day are
 * read as a day) keeps its target out of the retries until then: the retry goes to another
 * target when one is available, else waits for the target, drawing on the route's
 * {@code timeout}; when the wait does not fit in what is left of it, the client gets the
 * upstream's answer as is, {@code Retry-After} included. Retrying 429 needs
 * {@code onStatuses(429, ...)}.
 *
 * <pre>{@code
 * r.timeout(Duration.ofSeconds(2)).retry(Retry.times(2).onStatuses(503).idempotencyKey("Idempotency-Key"))
 * }</pre>
 *
 * @since 0.1
 */
public final class Retry {
  private final int maxRetries;
  private final Set<Failure> on;
  private final Set<Integer> statuses;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final double budgetRatio;
  private final int budgetMinPerSecond;
  private final Optional<String> idempotencyKey;
  private final long maxBufferedBody;

  private Retry(int maxRetries, Set<Failure> on, Set<Integer> statuses, Duration backoff, Duration maxBackoff,
      double budgetRatio, int budgetMinPerSecond, Optional<String> idempotencyKey, long maxBufferedBody) {
    Check.atLeast("maxRetries", maxRetries, 1);
    on = on.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(on));
    statuses = Set.copyOf(new TreeSet<>(statuses));
    for (int status : statuses) {
      if ((status < 500 || status > 599) && status != 429) {
        throw Check.invalid("retry status", status, "429 or 500 to 599");
      }
    }
    Check.positive("backoff", backoff);
    Check.positive("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(backoff) < 0) {
      throw Check.invalid("maxBackoff", maxBackoff, ">= backoff, " + backoff);
    }
    if (!(budgetRatio >= 0 && budgetRatio <= 10)) {
      throw Check.invalid("budgetRatio", budgetRatio, "0 to 10");
    }
    Check.atLeast("budgetMinPerSecond", budgetMinPerSecond, 0);
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Check.atLeast("maxBufferedBody", maxBufferedBody, 0);
    this.maxRetries = maxRetries;
    this.on = on;
    this.statuses = statuses;
    this.backoff = backoff;
    this.maxBackoff = maxBackoff;
    this.budgetRatio = budgetRatio;
    this.budgetMinPerSecond = budgetMinPerSecond;
    this.idempotencyKey = idempotencyKey;
    this.maxBufferedBody = maxBufferedBody;
  }

  /**
   * How many attempts may follow the first.
   *
   * @return the setting
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Which transport failures are retried.
   *
   * @return the setting
   */
  public Set<Failure> on() {
    return on;
  }

  /**
   * Which upstream statuses are retried.
   *
   * @return the setting
   */
  public Set<Integer> statuses() {
    return statuses;
  }

  /**
   * The wait before the first retry (before jitter).
   *
   * @return the setting
   */
  public Duration backoff() {
    return backoff;
  }

  /**
   * The longest wait between two attempts.
   *
   * @return the setting
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Retries allowed per request, over the last 10 seconds.
   *
   * @return the setting
   */
  public double budgetRatio() {
    return budgetRatio;
  }

  /**
   * Retries allowed per second whatever the ratio.
   *
   * @return the setting
   */
  public int budgetMinPerSecond() {
    return budgetMinPerSecond;
  }

  /**
   * The header that makes any method retryable, when set.
   *
   * @return the setting
   */
  public Optional<String> idempotencyKey() {
    return idempotencyKey;
  }

  /**
   * The largest request body kept for a retry, in bytes.
   *
   * @return the setting
   */
  public long maxBufferedBody() {
    return maxBufferedBody;
  }

  /**
   * Whether another Retry has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Retry o && maxRetries == o.maxRetries
        && on.equals(o.on)
        && statuses.equals(o.statuses)
        && backoff.equals(o.backoff)
        && maxBackoff.equals(o.maxBackoff)
        && Double.compare(budgetRatio, o.budgetRatio) == 0
        && budgetMinPerSecond == o.budgetMinPerSecond
        && idempotencyKey.equals(o.idempotencyKey)
        && maxBufferedBody == o.maxBufferedBody;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(maxRetries, on, statuses, backoff, maxBackoff, budgetRatio, budgetMinPerSecond, idempotencyKey, maxBufferedBody);
  }

  /**
   * Up to so many retries of connect failures, resets, timeouts, 502, 503 and 504; backoff from
   * 25 ms to 1 s; a budget of 20% of requests plus 10 per second; bodies up to 64 KiB kept.
   *
   * @param maxRetries at least 1
   * @return the policy
   */
  public static Retry times(int maxRetries) {
    return new Retry(maxRetries, EnumSet.allOf(Failure.class), Set.of(502, 503, 504),
        Duration.ofMillis(25), Duration.ofSeconds(1), 0.2, 10, Optional.empty(), 64 * 1024);
  }

  /**
   * Sets which transport failures are retried.
   *
   * @param failures none to retry no transport failure
   * @return a changed copy
   */
  public Retry on(Failure... failures) {
    Set<Failure> set = EnumSet.noneOf(Failure.class);
    set.addAll(Arrays.asList(failures));
    return new Retry(maxRetries, set, statuses, backoff, maxBackoff, budgetRatio, budgetMinPerSecond, idempotencyKey, maxBufferedBody);
  }

  /**
   * Sets which upstream statuses are retried.
   *
   * @param statuses 5xx statuses, or 429; none to retry no status
   * @return a changed copy
   */
  public Retry onStatuses(int... statuses) {
    Set<Integer> set = new TreeSet<>();
    Arrays.stream(statuses).forEach(set::add);
    return new Retry(maxRetries, on, set, backoff, maxBackoff, budgetRatio, budgetMinPerSecond, idempotencyKey, maxBufferedBody);
  }

  /**
   * Sets the backoff: the first wait and the longest.
   *
   * @param first the wait before the first retry, before jitter
   * @param max the longest wait
   * @return a changed copy
   */
  public Retry backoff(Duration first, Duration max) {
    return new Retry(maxRetries, on, statuses, first, max, budgetRatio, budgetMinPerSecond, idempotencyKey, maxBufferedBody);
  }

  /**
   * Sets the retry budget.
   *
   * @param ratio retries per request over the last 10 seconds, 0 to 10
   * @param minPerSecond retries per second allowed whatever the ratio, at least 0
   * @return a changed copy
   */
  public Retry budget(double ratio, int minPerSecond) {
    return new Retry(maxRetries, on, statuses, backoff, maxBackoff, ratio, minPerSecond, idempotencyKey, maxBufferedBody);
  }

  /**
   * Lets requests of any method be retried when they carry this header.
   *
   * @param header such as {@code Idempotency-Key}
   * @return a changed copy
   */
  public Retry idempotencyKey(String header) {
    Objects.requireNonNull(header, "header");
    if (header.isBlank()) {
      throw new IllegalArgumentException("idempotencyKey: '' (expected: a header name)");
    }
    return new Retry(maxRetries, on, statuses, backoff, maxBackoff, budgetRatio, budgetMinPerSecond, Optional.of(header), maxBufferedBody);
  }

  /**
   * Sets the largest request body kept for a retry; larger ones are sent once.
   *
   * @param bytes at least 0
   * @return a changed copy
   */
  public Retry maxBufferedBody(long bytes) {
    return new Retry(maxRetries, on, statuses, backoff, maxBackoff, budgetRatio, budgetMinPerSecond, idempotencyKey, bytes);
  }

  @Override
  public String toString() {
    return Text.fields(this, "maxRetries", maxRetries, "on", on, "statuses", statuses, "backoff", backoff, "maxBackoff", maxBackoff, "budgetRatio", budgetRatio, "budgetMinPerSecond", budgetMinPerSecond, "idempotencyKey", idempotencyKey, "maxBufferedBody", maxBufferedBody);
  }

  /** The transport failures a retry may answer. */
  public enum Failure {
    /** No connection: refused, unresolved or not accepted within the connect timeout. */
    CONNECT_FAILURE,
    /** The connection was reset or closed before a whole response head arrived. */
    RESET,
    /** The upstream stayed silent past the response timeout. */
    RESPONSE_TIMEOUT
  }
}
