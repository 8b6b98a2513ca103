package io.gatehouse.impl.upstream;

import io.gatehouse.TimeSource;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.ConnectionPool;
import io.gatehouse.upstream.UpstreamTls;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.cookie.CookieSpecFactory;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http.ssl.TLS;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.reactive.ReactiveEntityProducer;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The gateway's {@link UpstreamTransport}: HTTP/1.1 (and HTTP/2 where a call offers it) to
 * upstreams over httpclient5's async client, with keep-alive connection pools. A call in flight
 * holds no thread.
 *
 * <pre>{@code
 * try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults())) {
 *   transport.send(new UpstreamCall(URI.create("http://orders:8080"), request,
 *           Duration.ofSeconds(1), Duration.ofSeconds(5)))
 *       .thenAccept(response -> ...);
 * }
 * }</pre>
 *
 * <p><b>Exactness.</b> The upstream sees the request's method, its raw path and query, and its
 * headers in order, plus {@code Host} (from {@link UpstreamCall#origin()}) and the framing header;
 * nothing else: no User-Agent, Accept-Encoding, cookies, Expect or Connection headers of the
 * client's own. Given Host, Content-Length, Transfer-Encoding and Connection headers are dropped,
 * so framing cannot be smuggled through. The client never decompresses, follows redirects,
 * authenticates, stores cookies or retries. The response keeps its status and headers as
 * received, minus the per-hop Transfer-Encoding, Connection, Keep-Alive and every header that
 * Connection names.
 *
 * <p><b>Framing.</b> A request body of known length is sent with Content-Length, one of unknown
 * length chunked; a body of length 0 is not sent at all (POST, PUT and PATCH still get
 * {@code Content-Length: 0}). If the body publisher then sends another number of bytes, the call
 * fails with {@code REQUEST_BODY_FAILED} and the connection is closed. The response body's
 * length is its Content-Length when present, and 0 for HEAD requests and 1xx, 204 and 304
 * responses. Trailers are dropped.
 *
 * <p><b>Response framing is strict</b>, because a desynchronised pooled connection would hand
 * one client's leftover bytes to the next client as its response. Every upstream connection's
 * bytes pass a {@code ResponseFramingGuard} first: Content-Length together with
 * Transfer-Encoding, a Transfer-Encoding other than exactly {@code chunked}, a repeated or
 * non-digit Content-Length, a malformed chunk, bytes beyond the response's end, a control byte or
 * obs-fold in the head, a bad status line, a 101, or a body on a HEAD, 204 or 304 response fail
 * the call with {@code PROTOCOL_ERROR} (before the head) or its body (after it), and the
 * connection is closed, never reused. Interim 1xx responses are skipped (at most 16). A response
 * framed by neither length nor chunking is read until the upstream closes, and its connection is
 * not reused.
 *
 * <p><b>Upgrades.</b> A call whose request carries a {@link Request#tunnel() tunnel} (a WebSocket
 * opening handshake the gateway has checked) goes out on a plain {@code http} connection of its
 * own, never pooled, over the JDK's asynchronous sockets; a {@code 101} answer's body is the
 * upstream's bytes after the switch, and the tunnel is written to the upstream from then on.
 *
 * <p><b>Streaming.</b> Both bodies stream with back-pressure; neither is ever held whole. The
 * stage completes as soon as the response head has arrived. The response body must be consumed
 * or cancelled: until then its connection stays leased (at most until the response timeout).
 *
 * <p><b>Timeouts.</b> The pool's acquire timeout ({@link ConnectionPool})
 * bounds waiting for a pooled connection when all are busy ({@code POOL_EXHAUSTED});
 * {@link UpstreamCall#connectTimeout()} then bounds opening a new one: connecting, TLS.
 * {@link UpstreamCall#responseTimeout()} bounds socket silence from the moment a connection is
 * used: waiting for the head, and any gap while either body streams; it fires within 50 ms of its
 * end.
 *
 * <p><b>Connections</b> are reused for at most the pool's max lifetime, checked after inactivity
 * and closed when idle by a sweep on the timer thread. A call that fails on a reused connection
 * before any byte of its response arrived is sent once more on a new connection when its body is
 * empty or in memory (see {@link ConnectionPool}).
 *
 * <p><b>TLS</b> to {@code https} origins speaks TLS 1.3 or 1.2 and, for a call without
 * {@link UpstreamCall#tls()}, trusts what the JVM trusts: its default trust store, or
 * the one the {@code javax.net.ssl.trustStore} properties name. The TLS context is made, and the
 * trust store read, once, by {@link #makeTlsContext()} or else when the first https connection
 * opens (on its I/O thread); a transport that only speaks plain HTTP never makes one, which keeps a
 * few hundred milliseconds out of the gateway's start-up. A call with its own {@link UpstreamTls}
 * (pinned authorities, a client certificate, a server name) goes through a client and connection
 * pool of that setting alone, made with the first such call or {@link #makeTlsContext(UpstreamTls)}:
 * a connection opened with one setting never carries a call of another, even to the same host
 * and port.
 *
 * <p><b>HTTP/2.</b> A call with {@link UpstreamCall#http2()} to an {@code https} origin offers
 * {@code h2} and {@code http/1.1} in the handshake (ALPN) and speaks what the upstream picks,
 * through a client and pool of its own. One exchange at a time per connection, as for HTTP/1.1
 * (no multiplexing): a connection's timeouts and aborts stay one call's business. On an h2
 * connection the framing guard steps aside (HTTP/2 frames carry their own lengths, and
 * httpcore's frame parser checks them); the response head gets the same checks (control bytes,
 * per-hop fields) and a response body must match its Content-Length, or the call fails with
 * {@code PROTOCOL_ERROR}.
 *
 * <p><b>Failures</b> complete the stage with an {@link UpstreamException}: no pooled connection
 * free in time {@code POOL_EXHAUSTED}, refused or unresolved {@code CONNECT_REFUSED}, connect or
 * resolve timeout {@code CONNECT_TIMEOUT}, silence
 * {@code RESPONSE_TIMEOUT}, connection reset or closed {@code CONNECTION_RESET}, invalid HTTP
 * {@code PROTOCOL_ERROR}, the request body's publisher failing {@code REQUEST_BODY_FAILED}. After
 * the head, they reach the response body's subscriber as {@code onError(UpstreamException)}.
 *
 * <p><b>Cancelling</b> the stage's {@code toCompletableFuture()}, or the response body's
 * subscription before its end, aborts the exchange and closes its connection.
 *
 * <p><b>Threads.</b> {@link #send} does not block: host names are resolved on the transport's
 * {@code gatehouse-dns-*} threads (never on an I/O thread), bounded by the pool's resolve timeout,
 * with a negative cache. The stage completes, and body signals run, on the transport's I/O
 * threads, its resolver or timer thread, or on the thread that cancels or requests: callbacks must
 * not block. The client and its I/O threads start with the first call that reaches them (on that
 * call's thread, once: about a hundred milliseconds) or with {@link #start()}; until then the
 * transport holds only its timer and resolver.
 *
 * @since 0.1
 */
public final class HttpClientTransport implements UpstreamTransport {
  /** How long close() lets exchanges in flight finish before it cuts their connections. */
  static final Duration GRACEFUL_CLOSE = Duration.ofSeconds(1);
  /** How often the I/O threads check socket timeouts: a response timeout fires up to this much late. */
  private static final TimeValue SELECT_INTERVAL = TimeValue.ofMilliseconds(50);

  private final TransportSettings settings;
  /** The client and its pool, started by the first call that needs them (or {@link #start()}); null before. */
  private volatile Engine engine;
  private final RequestConfig baseConfig;
  private final String threadNamePrefix;
  /** Enforces acquire, connect and resolve deadlines; one daemon thread, idle between deadlines. */
  private final ScheduledThreadPoolExecutor timer;
  private final AsyncDns dns;
  private final Duration acquireTimeout;
  private final LazyTlsStrategy tls;
  // The configuration of the last call's timeouts: calls of a route share theirs, so most calls build none.
  private volatile TimedConfig lastConfig;

  private record TimedConfig(Timeout connectTimeout, Timeout responseTimeout, RequestConfig config) {}

  private record Engine(CloseableHttpAsyncClient client, PoolingAsyncClientConnectionManager pool) {}

  /** What a connection is made with besides its origin; calls of different profiles never share a connection. */
  private record Profile(Optional<UpstreamTls> tls, boolean http2) {
    static final Profile DEFAULT = new Profile(Optional.empty(), false);
  }

  /** The clients of calls with their own TLS setting or HTTP/2, each with its own pool; started on first use. */
  private final Map<Profile, Engine> profiled = new ConcurrentHashMap<>();
  /** The TLS strategies of the settings seen so far, each made once, on first use. */
  private final Map<UpstreamTls, LazyTlsStrategy> strategies = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The open connections, for switching one to its body's idle timeout. */
  private final BodyIdleTimeouts connections = new BodyIdleTimeouts();
  /** Exchanges the client has not released yet; close() fails those it leaves hanging. */
  private final Set<ResponseBodyConsumer> inFlight = ConcurrentHashMap.newKeySet();

  private HttpClientTransport(TransportSettings settings, RequestConfig baseConfig, String threadNamePrefix,
      ScheduledThreadPoolExecutor timer, AsyncDns dns, Duration acquireTimeout, LazyTlsStrategy tls) {
    this.settings = settings;
    this.baseConfig = baseConfig;
    this.threadNamePrefix = threadNamePrefix;
    this.timer = timer;
    this.dns = dns;
    this.acquireTimeout = acquireTimeout;
    this.tls = tls;
  }

  /**
   * Makes a transport. Its httpclient5 client (I/O threads, pool) starts with the first call that
   * needs it, or {@link #start()}, and runs until {@link #close()}.
   *
   * @param settings pool and thread sizes
   * @return the transport
   */
  public static HttpClientTransport create(TransportSettings settings) {
    return create(settings, TimeSource.system());
  }

  /**
   * As {@link #create(TransportSettings)}, keeping host names' answers (and failures) for their
   * TTLs on {@code time}: the gateway's time source, so a manual clock drives the DNS cache.
   *
   * @param settings the pool and I/O settings
   * @param time where the DNS cache reads time
   * @return the started transport
   */
  public static HttpClientTransport create(TransportSettings settings, TimeSource time) {
    return create(settings, AsyncDns.SYSTEM, AsyncDns.DEFAULT_POSITIVE_TTL, time);
  }

  /** As {@link #create(TransportSettings)}, resolving host names with {@code lookup} (for tests). */
  static HttpClientTransport create(TransportSettings settings, AsyncDns.Lookup lookup) {
    return create(settings, lookup, AsyncDns.DEFAULT_POSITIVE_TTL);
  }

  /** As {@link #create(TransportSettings, AsyncDns.Lookup)}, keeping answers for {@code dnsTtl}. */
  static HttpClientTransport create(TransportSettings settings, AsyncDns.Lookup lookup, Duration dnsTtl) {
    return create(settings, lookup, dnsTtl, TimeSource.system());
  }

  /** As {@link #create(TransportSettings, AsyncDns.Lookup, Duration)}, with the DNS cache on {@code time}. */
  static HttpClientTransport create(TransportSettings settings, AsyncDns.Lookup lookup, Duration dnsTtl, TimeSource time) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(lookup, "lookup");
    ConnectionPool spec = settings.pool();
    String id = Integer.toHexString(System.identityHashCode(lookup) ^ (int) System.nanoTime());
    String threadNamePrefix = "gatehouse-upstream-" + id;
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory(threadNamePrefix + "-timer", true));
    timer.setRemoveOnCancelPolicy(true);
    AsyncDns dns = new AsyncDns(lookup, spec.resolveTimeout(), spec.negativeDnsTtl(), dnsTtl, timer, time,
        "gatehouse-dns-" + id);
    // Made on the first https connection: a transport that speaks only http never reads a trust store.
    LazyTlsStrategy tls = new LazyTlsStrategy();
    RequestConfig baseConfig = RequestConfig.custom()
        .setRedirectsEnabled(false)
        .setAuthenticationEnabled(false)
        .setExpectContinueEnabled(false)
        .setProtocolUpgradeEnabled(false)
        .setContentCompressionEnabled(false)
        .setHardCancellationEnabled(true)
        .setConnectionKeepAlive(TimeValue.of(spec.idleTimeout()))
        .build();
    return new HttpClientTransport(settings, baseConfig, threadNamePrefix, timer, dns, spec.acquireTimeout(), tls);
  }

  /**
   * Starts the httpclient5 client now, if it is not yet, rather than on the first call that needs
   * it: building it takes a hundred milliseconds or so and loads some 400 classes, which a gateway
   * whose calls all go through an adapter's event-loop transport never needs.
   *
   * @throws UpstreamException of kind {@code CONNECT_REFUSED} if the transport is closed
   */
  public void start() {
    if (engine() == null) {
      throw new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED, "the transport is closed");
    }
  }

  /** Whether the httpclient5 client has started. */
  boolean started() {
    return engine != null;
  }

  /** The client, started now if it is not yet; null once closed. */
  private Engine engine() {
    Engine running = engine;
    if (running != null) {
      return running;
    }
    synchronized (this) {
      if (engine == null && !closed.get()) {
        engine = startEngine();
      }
      return engine;
    }
  }

  /** The client of a profile, started now if it is not yet; null once closed. */
  private Engine engine(Profile profile) {
    if (profile.equals(Profile.DEFAULT)) {
      return engine();
    }
    Engine running = profiled.get(profile);
    if (running != null) {
      return running;
    }
    synchronized (this) {
      if (closed.get()) {
        return null;
      }
      return profiled.computeIfAbsent(profile, p -> startEngine(
          p.tls().<TlsStrategy>map(this::strategy).orElse(tls),
          p.http2() ? HttpVersionPolicy.NEGOTIATE : HttpVersionPolicy.FORCE_HTTP_1,
          threadNamePrefix + "-" + (profiled.size() + 1)));
    }
  }

  private LazyTlsStrategy strategy(UpstreamTls setting) {
    return strategies.computeIfAbsent(setting, s -> new LazyTlsStrategy(() -> UpstreamTlsContexts.strategy(s)));
  }

  private Engine startEngine() {
    return startEngine(tls, HttpVersionPolicy.FORCE_HTTP_1, threadNamePrefix);
  }

  private Engine startEngine(TlsStrategy tlsStrategy, HttpVersionPolicy versionPolicy, String threadNamePrefix) {
    ConnectionPool spec = settings.pool();
    PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create()
        .setTlsStrategy(tlsStrategy)
        .setMaxConnTotal(spec.maxTotal())
        .setMaxConnPerRoute(spec.maxPerOrigin())
        .setDnsResolver(dns)
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setTimeToLive(TimeValue.of(spec.maxLifetime()))
            .setValidateAfterInactivity(TimeValue.of(spec.validateAfterInactivity()))
            .build())
        .setDefaultTlsConfig(TlsConfig.custom()
            .setVersionPolicy(versionPolicy)
            .setSupportedProtocols(TLS.V_1_3, TLS.V_1_2)
            .build())
        .build();
    CloseableHttpAsyncClient client = HttpAsyncClients.custom()
        .setConnectionManager(pool)
        .setIOReactorConfig(IOReactorConfig.custom()
            .setIoThreadCount(settings.ioThreads())
            // Socket timeouts are checked once per select interval (1 s by default), which would
            // round a 200 ms response timeout up to a second.
            .setSelectInterval(SELECT_INTERVAL)
            .setTcpNoDelay(true)
            .setSoKeepAlive(true)
            .build())
        .setHttp1Config(Http1Config.custom()
            .setBufferSize(32 * 1024)  // fewer, larger reads per response body than the default 8 KiB
            // httpcore counts the CRLF and refuses a line at its limit: + 3 makes its bound the
            // guard's, so the documented limit is the one that holds.
            .setMaxLineLength(ResponseFramingGuard.MAX_LINE + 3)
            .setMaxHeaderCount(ResponseFramingGuard.MAX_FIELDS)
            .build())
        .setH2Config(H2Config.custom()
            .setPushEnabled(false)
            // At most 256 KiB of response fields, as HPACK counts them (name + value + 32 each).
            .setMaxHeaderListSize(ResponseFramingGuard.MAX_FIELDS * 1024)
            .build())
        .setThreadFactory(new DefaultThreadFactory(threadNamePrefix, true))
        // Replaces httpclient5's wire-logging decorator (package-private, so it cannot be chained).
        .setIoSessionDecorator(ResponseFramingGuard.decorator(connections))
        .setDefaultRequestConfig(baseConfig)
        .setDefaultCredentialsProvider(new BasicCredentialsProvider())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        // The default registry loads and parses the public suffix list, for cookies never handled.
        .setDefaultCookieSpecRegistry(RegistryBuilder.<CookieSpecFactory>create().build())
        .disableAuthCaching()
        .disableConnectionState()
        .evictExpiredConnections()
        .evictIdleConnections(TimeValue.of(spec.idleTimeout()))
        .addRequestInterceptorLast(new ExactRequestHeaders())
        .addExecInterceptorFirst(AbortHook.NAME, new AbortHook())
        .build();
    client.start();
    // httpclient5 checks a connection's lifetime only when evicting, not on lease: sweep often
    // enough that an idle connection past its lifetime (or idle timeout) is gone soon after.
    long sweep = Math.max(50, Math.min(5_000, Math.min(spec.maxLifetime().toMillis(), spec.idleTimeout().toMillis()) / 4));
    timer.scheduleWithFixedDelay(() -> {
      pool.closeExpired();
      pool.closeIdle(TimeValue.of(spec.idleTimeout()));
      connections.sweep();
    }, sweep, sweep, TimeUnit.MILLISECONDS);
    return new Engine(client, pool);
  }

  /** Whether this transport has made its TLS context (it does on its first https connection). */
  boolean tlsContextMade() {
    return tls.made();
  }

  /**
   * Makes the TLS context now, if it is not yet, reading the JVM's trust settings as they are at
   * this moment; otherwise the first https connection makes it, on its I/O thread. The gateway
   * calls this when it is built if a route names an https target.
   *
   * @throws RuntimeException if the TLS context cannot be made (an unreadable trust store)
   */
  public void makeTlsContext() {
    tls.strategy();
  }

  /**
   * Makes the TLS context of calls with this setting now, reading its files and key stores, if it
   * is not made yet; otherwise the first such https connection makes it. The gateway calls this
   * when it is built, for each setting its upstreams name.
   *
   * @param setting an upstream's TLS setting
   * @throws UpstreamTlsContexts.Invalid if the setting cannot be used (an unreadable file, a wrong password)
   * @since 0.2
   */
  public void makeTlsContext(UpstreamTls setting) {
    Objects.requireNonNull(setting, "setting");
    strategy(setting).strategy();
  }

  /** Whether the TLS context of this setting has been made. */
  boolean tlsContextMade(UpstreamTls setting) {
    LazyTlsStrategy made = strategies.get(setting);
    return made != null && made.made();
  }

  /** How many clients (each with its own pool) have started: the default one and one per profile used. */
  int clients() {
    return (engine == null ? 0 : 1) + profiled.size();
  }

  @Override
  public Optional<ConnectionPoolStatus> poolStatus() {
    Engine running = engine;
    if (running == null && profiled.isEmpty()) {
      return Optional.of(new ConnectionPoolStatus(0, 0, 0, settings.pool().maxTotal()));
    }
    // Each profile's pool counts towards its own max: the sum is this transport's capacity.
    int leased = 0;
    int pending = 0;
    int available = 0;
    int max = 0;
    List<Engine> engines = new ArrayList<>(profiled.values());
    if (running != null) {
      engines.add(running);
    }
    for (Engine e : engines) {
      PoolStats stats = e.pool().getTotalStats();
      leased += stats.getLeased();
      pending += stats.getPending();
      available += stats.getAvailable();
      max += stats.getMax();
    }
    return Optional.of(new ConnectionPoolStatus(leased, pending, available, max));
  }

  /**
   * Starts one call; see the class comment for the contract.
   *
   * @param call what to send, and where; its timeouts must be positive
   * @return the response, once its head has arrived
   * @throws IllegalArgumentException if the origin is not {@code http(s)://host[:port]} or a
   *     timeout is not positive
   */
  @Override
  public CompletionStage<Response> send(UpstreamCall call) {
    Objects.requireNonNull(call, "call");
    URI origin = checkOrigin(call.origin());
    Timeout connectTimeout = positive("connectTimeout", call.connectTimeout());
    Timeout responseTimeout = positive("responseTimeout", call.responseTimeout());
    positive("bodyIdleTimeout", call.bodyIdleTimeout());
    if (call.request().tunnel().isPresent()) {
      if (closed.get()) {
        return CompletableFuture.failedFuture(new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED,
            "GET " + origin + call.request().path() + " (WebSocket upgrade): the transport is closed"));
      }
      // An upgrade: a connection of its own, which carries the session once the upstream switched.
      return SocketUpgradeCall.send(call, origin, resolve(unbracketed(origin.getHost())), timer);
    }
    CompletableFuture<Response> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<Response>> current = new AtomicReference<>();
    // Cancelling the caller's stage aborts whichever attempt runs.
    result.whenComplete((response, failure) -> {
      CompletableFuture<Response> running = current.get();
      if (failure instanceof CancellationException && running != null) {
        running.cancel(true);
      }
    });
    attempt(call, origin, connectTimeout, responseTimeout, false, result, current);
    return result;
  }

  /**
   * One attempt. A request that failed on a reused connection before any byte of its response
   * (the upstream had closed the idle connection) is sent once more on a new connection when its
   * body can be sent again: empty, or held in memory. A streamed body has been consumed, and a
   * failure on a new connection is the upstream's answer; neither is resent.
   */
  private void attempt(UpstreamCall call, URI origin, Timeout connectTimeout, Timeout responseTimeout,
      boolean newConnection, CompletableFuture<Response> result, AtomicReference<CompletableFuture<Response>> current) {
    UpstreamExchange exchange = new UpstreamExchange(call, acquireTimeout, newConnection, timer);
    CompletableFuture<Response> attempt = exchange.result();
    current.set(attempt);
    attempt.whenComplete((response, failure) -> {
      if (failure == null) {
        if (!result.complete(response)) {
          discard(response);
        }
        return;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof UpstreamException upstream && exchange.failedOnStaleConnection(upstream)
          && replayable(call.request().body()) && !result.isDone()) {
        attempt(call, origin, connectTimeout, responseTimeout, true, result, current);
      } else {
        result.completeExceptionally(cause);
      }
    });
    if (result.isDone()) {
      attempt.cancel(true);
      return;
    }
    if (closed.get()) {
      exchange.fail(new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED,
          exchange.description() + ": the transport is closed"));
      return;
    }
    String host = unbracketed(origin.getHost());
    // Resolving off the I/O threads: the client's resolver then only reads the answer cached here.
    dns.ensureResolved(host).whenComplete((ignored, failure) -> {
      if (failure != null) {
        exchange.fail(unresolved(exchange, host, failure));
      } else if (!attempt.isDone()) {
        execute(exchange, origin, connectTimeout, responseTimeout);
      }
    });
  }

  private static UpstreamException unresolved(UpstreamExchange exchange, String host, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof AsyncDns.ResolveTimeoutException) {
      return new UpstreamException(UpstreamException.Kind.CONNECT_TIMEOUT,
          exchange.description() + ": resolving '" + host + "' timed out: " + cause.getMessage(), cause);
    }
    return new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED,
        exchange.description() + ": '" + host + "' did not resolve: " + cause, cause);
  }

  private static boolean replayable(Body body) {
    return body.isEmpty() || body.inMemory().isPresent();
  }

  /** A response nobody waits for any more: its body is cancelled, which closes its connection. */
  private static void discard(Response response) {
    response.body().subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.cancel();
      }

      @Override
      public void onNext(ByteBuffer item) {}

      @Override
      public void onError(Throwable failure) {}

      @Override
      public void onComplete() {}
    });
  }

  private void execute(UpstreamExchange exchange, URI origin, Timeout connectTimeout, Timeout responseTimeout) {
    UpstreamCall call = exchange.call();
    // Plain http is plain http, whatever the upstream's TLS setting: such calls share the default pool.
    boolean secure = origin.getScheme().equalsIgnoreCase("https");
    Engine running = engine(secure ? new Profile(call.tls(), call.http2()) : Profile.DEFAULT);
    if (running == null) {
      exchange.fail(new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED,
          exchange.description() + ": the transport is closed"));
      return;
    }
    HttpClientContext context = HttpClientContext.create();
    context.setRequestConfig(requestConfig(connectTimeout, responseTimeout));
    context.setAttribute(UpstreamExchange.ATTRIBUTE, exchange);

    Request request = exchange.call().request();
    String scheme = origin.getScheme().toLowerCase(Locale.ROOT);
    // The four-argument constructor keeps the target as given; the two-argument one parses it.
    BasicHttpRequest head = new BasicHttpRequest(request.method(), scheme,
        new URIAuthority(unbracketed(origin.getHost()), origin.getPort()), request.target());
    head.setHeaders(exchange.requestHeaders());

    ResponseBodyConsumer consumer = new ResponseBodyConsumer(exchange, connections, inFlight::remove);
    inFlight.add(consumer);
    Future<Void> execution = running.client().execute(
        new BasicRequestProducer(head, entity(request, exchange)),
        consumer,
        null,
        context,
        exchange);
    exchange.started(execution);
    try {
      exchange.startAcquireDeadline();
    } catch (RejectedExecutionException closedMeanwhile) {
      exchange.fail(new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED,
          exchange.description() + ": the transport is closed"));
      exchange.abort();
    }
  }

  private RequestConfig requestConfig(Timeout connectTimeout, Timeout responseTimeout) {
    TimedConfig last = lastConfig;
    if (last != null && last.connectTimeout.equals(connectTimeout) && last.responseTimeout.equals(responseTimeout)) {
      return last.config;
    }
    RequestConfig config = newRequestConfig(connectTimeout, responseTimeout);
    lastConfig = new TimedConfig(connectTimeout, responseTimeout, config);
    return config;
  }

  @SuppressWarnings("deprecation") // see below
  private RequestConfig newRequestConfig(Timeout connectTimeout, Timeout responseTimeout) {
    return RequestConfig.copy(baseConfig)
        .setConnectionRequestTimeout(Timeout.of(acquireTimeout))
        // Deprecated in favour of ConnectionConfig, which is per route, not per request. In 5.5
        // the exec runtime still passes this value to the connection manager's connect(), where
        // it takes precedence over the route's ConnectionConfig: it is the per-call mechanism.
        .setConnectTimeout(connectTimeout)
        .setResponseTimeout(responseTimeout)
        .build();
  }

  /** No entity for an empty body: no body, no framing (the client adds Content-Length: 0 for POST, PUT, PATCH). */
  private static AsyncEntityProducer entity(Request request, UpstreamExchange exchange) {
    Body body = request.body();
    if (body.isEmpty()) {
      return null;
    }
    long length = body.contentLength().orElse(-1);
    return new ReactiveEntityProducer(new RequestBodyPublisher(body, length, exchange), length, null, null);
  }

  /**
   * A host name's first address, through this transport's resolver and DNS cache, off the calling
   * thread when not cached; fails with a {@link java.util.concurrent.TimeoutException} after the
   * pool's resolve timeout, or an {@link java.net.UnknownHostException}.
   */
  CompletionStage<java.net.InetAddress> resolve(String host) {
    return dns.ensureResolved(host).handle((ignored, failure) -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof AsyncDns.ResolveTimeoutException) {
        throw new CompletionException(new java.util.concurrent.TimeoutException(cause.getMessage()));
      }
      if (cause != null) {
        throw new CompletionException(cause);
      }
      try {
        return dns.resolve(host)[0];
      } catch (java.net.UnknownHostException e) {
        throw new CompletionException(e);
      }
    });
  }

  /** The tasks waiting on the timer: the idle sweep, plus a deadline per call still waiting for a connection. */
  int timerTasks() {
    return timer.getQueue().size();
  }

  /** The prefix of the I/O threads' names (the idle evictor thread is not among them). */
  String threadNamePrefix() {
    return threadNamePrefix;
  }

  private static URI checkOrigin(URI origin) {
    String scheme = origin.getScheme() == null ? "" : origin.getScheme().toLowerCase(Locale.ROOT);
    boolean ok = (scheme.equals("http") || scheme.equals("https"))
        && origin.getHost() != null
        && origin.getRawUserInfo() == null
        && (origin.getRawPath() == null || origin.getRawPath().isEmpty() || origin.getRawPath().equals("/"))
        && origin.getRawQuery() == null
        && origin.getRawFragment() == null;
    if (!ok) {
      throw new IllegalArgumentException(
          "origin: '" + origin + "' (expected: http or https, a host, an optional port, nothing else)");
    }
    return origin;
  }

  private static Timeout positive(String field, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
    }
    return Timeout.ofMilliseconds(Math.max(1, value.toMillis()));
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * Stops the transport: waits up to a second for exchanges in flight, then closes every
   * connection and stops every thread it started. Calls still unfinished then fail (their stage,
   * or their response body) with {@code CONNECTION_RESET}, or {@code CONNECT_REFUSED} if they
   * never got a connection. Calls after the first do nothing; calls to {@link #send} afterwards
   * fail with {@code CONNECT_REFUSED}.
   */
  @Override
  public void close() {
    List<Engine> running = new ArrayList<>();
    synchronized (this) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      if (engine != null) {
        running.add(engine);
      }
      running.addAll(profiled.values());
    }
    try {
      for (Engine e : running) {
        e.client().initiateShutdown();
      }
      long deadline = System.nanoTime() + GRACEFUL_CLOSE.toNanos();
      for (Engine e : running) {
        // At least 1 ms: httpcore waits for ever on 0.
        e.client().awaitShutdown(TimeValue.ofMilliseconds(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (Engine e : running) {
        e.client().close(CloseMode.IMMEDIATE);
      }
      timer.shutdownNow();
      dns.close();
      // An immediate shutdown drops exchanges without a word; their callers must still hear.
      for (ResponseBodyConsumer consumer : inFlight) {
        consumer.failed(new ConnectionClosedException("the transport was closed"));
      }
      inFlight.clear();
    }
  }

  @Override
  public String toString() {
    Engine running = engine;
    return "HttpClientTransport[" + (closed.get() ? "closed" : running == null ? "not started" : running.client().getStatus()) + "]";
  }
}
