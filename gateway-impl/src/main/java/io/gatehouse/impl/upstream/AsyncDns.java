package io.gatehouse.impl.upstream;

import io.gatehouse.TimeSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;

/**
 * Host names resolved ahead of the connection, off the I/O threads. httpclient5's async client
 * calls its {@link DnsResolver} on whatever thread connects, often an I/O thread, where a slow
 * lookup would stall every connection that thread serves. So {@code HttpClientTransport.send}
 * first {@linkplain #ensureResolved ensures} a fresh answer is cached, resolving on a small pool
 * of daemon threads ({@code gatehouse-dns-...}) within a timeout, and the client's resolver only
 * reads that cache and never blocks.
 *
 * <p>Answers are kept for {@code positiveTtl} of the gateway's time (the JVM's own cache still
 * applies beneath, on real time), so a
 * new connection opened later resolves afresh; a failure or timeout is kept for
 * {@code negativeTtl}, during which calls to that name fail at once. One lookup per name runs at a
 * time; callers wanting the same name share it. The lookup's timeout stays on real time: it
 * bounds a real resolver call on a real thread.
 */
final class AsyncDns implements DnsResolver, AutoCloseable {
  /** A blocking lookup, as {@link InetAddress#getAllByName}; it runs on the resolver pool. */
  @FunctionalInterface
  interface Lookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  static final Lookup SYSTEM = InetAddress::getAllByName;
  static final Duration DEFAULT_POSITIVE_TTL = Duration.ofSeconds(1);
  private static final int THREADS = 2;
  private static final int QUEUE = 256;
  /** Bounds the cache; names come from configuration and discovery, so this is never reached in practice. */
  private static final int MAX_NAMES = 10_000;
  /** Four decimal octets: what the JDK parses without a lookup and no one reads another way. */
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

  private record Entry(InetAddress[] addresses, UnknownHostException failure, long expiresAt) {
    boolean fresh(long now) {
      return now - expiresAt < 0;
    }
  }

  private final Lookup lookup;
  private final Duration timeout;
  private final Duration negativeTtl;
  private final Duration positiveTtl;
  private final ScheduledExecutorService timer;
  private final TimeSource time;
  private final ThreadPoolExecutor pool;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Entry>> pending = new ConcurrentHashMap<>();

  AsyncDns(Lookup lookup, Duration timeout, Duration negativeTtl, Duration positiveTtl,
      ScheduledExecutorService timer, TimeSource time, String threadNamePrefix) {
    this.time = time;
    this.lookup = lookup;
    this.timeout = timeout;
    this.negativeTtl = negativeTtl;
    this.positiveTtl = positiveTtl;
    this.timer = timer;
    this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE),
        new DefaultThreadFactory(threadNamePrefix, true));
    this.pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Whether the JDK reads the host as an address without asking DNS: an IPv6 literal (any colon:
   * one that does not parse fails at once), or exactly four decimal octets of 0 to 255 without
   * leading zeros. Anything else, {@code 999.1.1.1}, {@code 127.1} or {@code 010.0.0.1} included, is
   * resolved on the resolver threads, never on the caller's (an I/O thread).
   */
  static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
  }

  /**
   * Completes, on the calling thread when the cache is fresh, else on a resolver or timer thread,
   * once {@code host} has a fresh answer; fails with an {@link UnknownHostException} when it did
   * not resolve, now or within the negative TTL, and with a {@link ResolveTimeoutException} when
   * the lookup took longer than the timeout.
   */
  CompletableFuture<Void> ensureResolved(String host) {
    if (isLiteral(host)) {
      return CompletableFuture.completedFuture(null);
    }
    Entry entry = cache.get(host);
    if (entry != null && entry.fresh(time.nanoTime())) {
      return entry.failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(entry.failure);
    }
    CompletableFuture<Entry> mine = new CompletableFuture<>();
    CompletableFuture<Entry> shared = pending.putIfAbsent(host, mine);
    if (shared == null) {
      shared = mine;
      start(host, mine);
    }
    return shared.thenApply(e -> {
      if (e.failure != null) {
        throw new CompletionException(e.failure);
      }
      return null;
    });
  }

  private void start(String host, CompletableFuture<Entry> answer) {
    try {
      Future<?> task = pool.submit(() -> {
        try {
          finish(host, answer, remember(host, lookup.lookup(host), null, positiveTtl));
        } catch (UnknownHostException e) {
          finish(host, answer, remember(host, null, e, negativeTtl));
        } catch (RuntimeException e) {
          UnknownHostException failure = new UnknownHostException(host + ": " + e);
          failure.initCause(e);
          finish(host, answer, remember(host, null, failure, negativeTtl));
        }
      });
      Future<?> deadline = timer.schedule(() -> {
        if (finish(host, answer, remember(host, null,
            new ResolveTimeoutException(host + ": no answer from the resolver within " + timeout), negativeTtl))) {
          task.cancel(true);
        }
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
      answer.whenComplete((e, f) -> deadline.cancel(false));
    } catch (RejectedExecutionException e) {
      finish(host, answer, new Entry(null, new UnknownHostException(host + ": the resolver is closed or too busy"), 0));
    }
  }

  /**
   * Ends a lookup: it stops being the one in flight before its callers hear the answer, so a
   * caller that runs on as soon as it hears, and asks again once the answer is stale, starts a
   * lookup of its own instead of being handed this finished one.
   */
  private boolean finish(String host, CompletableFuture<Entry> answer, Entry entry) {
    pending.remove(host, answer);
    return answer.complete(entry);
  }

  private Entry remember(String host, InetAddress[] addresses, UnknownHostException failure, Duration ttl) {
    Entry entry = new Entry(addresses, failure, time.nanoTime() + ttl.toNanos());
    if (cache.size() >= MAX_NAMES && !cache.containsKey(host)) {
      cache.clear();
    }
    cache.put(host, entry); // a late answer after a timeout is still news
    return entry;
  }

  /** The cached answer; never blocks. A name not resolved ahead fails (the call then fails to connect). */
  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    if (isLiteral(host)) {
      return InetAddress.getAllByName(host); // parses; no lookup
    }
    Entry entry = cache.get(host);
    if (entry == null || entry.addresses == null) {
      throw entry != null ? entry.failure : new UnknownHostException(host + ": not resolved ahead of the connection");
    }
    return entry.addresses.clone();
  }

  @Override
  public String resolveCanonicalHostname(String host) {
    return host;
  }

  /** Stops the resolver threads; a lookup stuck in the OS is interrupted, which it may ignore. */
  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** Resolving took longer than the timeout. */
  static final class ResolveTimeoutException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    ResolveTimeoutException(String message) {
      super(message);
    }
  }
}
