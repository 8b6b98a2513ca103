package io.gatehouse.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one connection to Redis (a node, a Sentinel-managed master, or a cluster), made
 * without blocking and remade while it cannot be had.
 *
 * <p>Once a connection stands, Lettuce keeps it: it reconnects on its own, and while it is
 * disconnected it rejects commands at once instead of queueing them. Before that (Redis down when
 * the store was built), callers wait for the attempt in flight at most the timeout, and a failed
 * attempt is followed by a new one when someone asks, no sooner than {@link #RETRY_CONNECT_AFTER}
 * after the last, so a Redis that refuses connections is not hammered by every request.
 *
 * @param <C> the commands of a connection
 */
final class RedisLink<C> {
  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

  static final Duration RETRY_CONNECT_AFTER = Duration.ofMillis(500);
  /** How long one connection attempt may take, handshake (HELLO, AUTH, SELECT) included. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  /** A connection and the commands on it. */
  record Connected<C>(StatefulConnection<?, ?> connection, C commands) {}

  private record Attempt<C>(CompletableFuture<Connected<C>> future, long startedNanos) {}

  private final String store;
  private final String target;
  private final Duration timeout;
  private final ClientResources resources;
  private final Timer timer;
  private final AbstractRedisClient client;
  private final Supplier<CompletionStage<Connected<C>>> connector;
  private final AtomicReference<Attempt<C>> attempt = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile C ready;
  private final Consumer<C> onConnect;

  /**
   * Starts connecting; returns at once.
   *
   * @param store the store's class name, for messages
   * @param target where to, for messages (no password)
   * @param connector opens a connection, without blocking
   * @param onConnect runs on each new connection before it is used (loads scripts); must not block
   */
  RedisLink(String store, String target, Duration timeout, ClientResources resources, Timer timer,
      AbstractRedisClient client, Supplier<CompletionStage<Connected<C>>> connector, Consumer<C> onConnect) {
    this.store = store;
    this.target = target;
    this.timeout = timeout;
    this.resources = resources;
    this.timer = timer;
    this.client = client;
    this.connector = connector;
    this.onConnect = onConnect;
    Attempt<C> first = new Attempt<>(new CompletableFuture<>(), System.nanoTime());
    attempt.set(first);
    startSoon(first);
  }

  String target() {
    return target;
  }

  /** The commands once connected, or null while the first connection is still to be made. */
  C ready() {
    return ready;
  }

  /**
   * The commands, when a connection can be had within the timeout; else fails with a
   * {@link RedisConnectionException} or {@link RedisCommandTimeoutException}.
   */
  CompletionStage<C> commands() {
    C now = ready;
    if (now != null) {
      return CompletableFuture.completedFuture(now);
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException());
    }
    Attempt<C> current = attempt.get();
    if (current.future().isCompletedExceptionally()) {
      if (System.nanoTime() - current.startedNanos() < RETRY_CONNECT_AFTER.toNanos()) {
        return CompletableFuture.failedFuture(unavailable(current.future()));
      }
      Attempt<C> next = new Attempt<>(new CompletableFuture<>(), System.nanoTime());
      if (attempt.compareAndSet(current, next)) {
        startSoon(next);
      }
      current = attempt.get();
    }
    return within(current.future(), timeout, "connecting to " + target).thenApply(Connected::commands);
  }

  /**
   * Starts the attempt on one of the client's threads: Lettuce's connectAsync does some work before
   * it returns (a second of class loading, on a cold JVM), which is not for the caller of build()
   * or of acquire() to do.
   */
  private void startSoon(Attempt<C> a) {
    try {
      resources.eventExecutorGroup().execute(() -> start(a));
    } catch (RejectedExecutionException shutDown) {
      a.future().completeExceptionally(closedException());
    }
  }

  private void start(Attempt<C> a) {
    if (closed.get()) {
      a.future().completeExceptionally(closedException());
      return;
    }
    CompletionStage<Connected<C>> connecting;
    try {
      connecting = connector.get();
    } catch (RuntimeException e) {
      connecting = CompletableFuture.failedFuture(e);
    }
    // Lettuce bounds an attempt by CONNECT_TIMEOUT (the socket's and the URI's timeout); this is a
    // backstop, should an attempt never end all the same, so that the link can try again.
    connecting.thenAccept(late -> {
      if (a.future().isCompletedExceptionally()) {
        late.connection().closeAsync();
      }
    });
    within(connecting, CONNECT_TIMEOUT.multipliedBy(2), "connecting to " + target).whenComplete((connected, error) -> {
      if (error != null) {
        Throwable cause = unwrap(error);
        if (failing.compareAndSet(false, true)) {
          log.warn("{}: cannot connect to {}; requests fail until it is back: {}", store, target,
              cause.toString());
        } else {
          log.debug("{}: still cannot connect to {}: {}", store, target, cause.toString());
        }
        a.future().completeExceptionally(cause);
        return;
      }
      if (closed.get()) {
        connected.connection().closeAsync();
        a.future().completeExceptionally(closedException());
        return;
      }
      if (failing.compareAndSet(true, false)) {
        log.info("{}: connected to {}", store, target);
      }
      onConnect.accept(connected.commands());
      ready = connected.commands();
      a.future().complete(connected);
    });
  }

  /** {@code stage}, failed with a timeout if it has not completed within {@code timeout}. */
  private <T> CompletableFuture<T> within(CompletionStage<T> stage, Duration timeout, String what) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Timeout deadline;
    try {
      deadline = timer.newTimeout(t -> result.completeExceptionally(
          new RedisCommandTimeoutException(what + " timed out after " + timeout.toMillis() + "ms")),
          timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (IllegalStateException stopped) {
      return CompletableFuture.failedFuture(closedException());
    }
    stage.whenComplete((value, error) -> {
      deadline.cancel();
      if (error != null) {
        result.completeExceptionally(unwrap(error));
      } else {
        result.complete(value);
      }
    });
    return result;
  }

  private RedisConnectionException unavailable(CompletableFuture<Connected<C>> failed) {
    Throwable cause;
    try {
      failed.getNow(null);
      cause = null;
    } catch (CompletionException e) {
      cause = e.getCause();
    }
    return new RedisConnectionException("Redis at " + target + " is unavailable", cause);
  }

  private IllegalStateException closedException() {
    return new IllegalStateException(store + " for " + target + " is closed");
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Closes the connection, the client, its threads and the timer; waits a bounded time. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ready = null;
    // Let an attempt in flight finish first: shut down under it, Netty logs its failure loudly.
    CompletableFuture<Connected<C>> inFlight = attempt.get().future();
    if (!inFlight.isDone()) {
      try {
        inFlight.get(SHUTDOWN_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // closing anyway
      }
    }
    // Shutting the client down closes its connections.
    awaitQuietly("client", client.shutdownAsync(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    CompletableFuture<Object> resourcesDown = new CompletableFuture<>();
    resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .addListener(f -> resourcesDown.complete(null));
    awaitQuietly("client resources", resourcesDown);
    timer.stop();
  }

  private void awaitQuietly(String what, CompletableFuture<?> shutdown) {
    try {
      shutdown.get(SHUTDOWN_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: shutting down the {} for {}: {}", store, what, target, e.toString());
    }
  }
}
