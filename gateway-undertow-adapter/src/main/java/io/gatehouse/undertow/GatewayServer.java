package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayException;
import io.gatehouse.adapter.GracefulStop;
import io.gatehouse.adapter.SwappableGateway;
import io.gatehouse.undertow.internal.ClientTimeouts;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.HttpHandler;
import io.undertow.server.OpenListener;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import io.undertow.server.protocol.http2.Http2UpgradeHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

/**
 * A standalone Undertow server that runs a {@link Gateway}, with graceful shutdown and a
 * swappable gateway.
 *
 * <pre>{@code
 * try (GatewayServer server = UndertowGateway.server(gateway).port(8080).start()) {
 *   ...
 *   Gateway old = server.swap(rebuilt);    // new config; close the old gateway, if you own it,
 *   server.swappable().drained(old).thenRunAsync(old::close, executor);   // once its requests end
 *   ...
 * }                                          // close(): stop(Duration.ofSeconds(30))
 * gateway.close();                           // the server never closes the gateway
 * }</pre>
 *
 * <p>The server owns its Undertow instance and threads, and stops them in {@link #stop}. It does
 * not own the gateway: the caller closes it. Request handling is as described on
 * {@link GatewayHandler}; unlike a mounted handler, the server lets bodies of any size stream
 * through ({@code MAX_ENTITY_SIZE} 0): limits are the gateway's business. Slow clients are cut
 * off by the timeouts of its {@link Builder} (request head, idle connection, request body pause
 * and rate, response writes), and the open connections are capped.
 *
 * <p>It listens for plain HTTP, for HTTPS ({@link Builder#https}, with certificates that
 * {@link #reloadTls} replaces without a restart and optional client certificates), or both, and
 * speaks HTTP/2 if asked ({@link Builder#http2}).
 *
 * @since 0.1
 */
public final class GatewayServer implements AutoCloseable {
  /** How long {@link #close()} waits for requests in flight. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
  /** How long stop() waits for Undertow's threads to end once the connections are closed. */
  private static final Duration THREADS_END_TIMEOUT = Duration.ofSeconds(10);
  /** HTTP/2 streams open at once per connection (nginx 128, Envoy 100 at the edge). */
  static final int HTTP2_MAX_CONCURRENT_STREAMS = 100;
  /**
   * HTTP/2 header list size per request. Undertow 2.3 caps it at 20,000 bytes in any case (its
   * {@code io.undertow.http2-max-header-size} system property), below the gateway's 32 KiB for
   * HTTP/1.1 heads; a larger list closes the connection instead of a 431.
   */
  static final int HTTP2_MAX_HEADER_LIST_SIZE = 20_000;
  /**
   * Stream resets a client may send per window before Undertow closes the connection (its default,
   * made explicit). Undertow skips resets of streams without a request body, which
   * {@link Http2Guard} bounds instead.
   */
  static final int HTTP2_MAX_RESETS = 200;
  static final int HTTP2_RESET_WINDOW_SECONDS = 30;

  private final XnioWorker worker;
  private final AcceptingChannel<StreamConnection> listener; // null: no plain-HTTP listener
  private final AcceptingChannel<SslConnection> httpsListener; // null: no HTTPS listener
  private final ServerTls tls; // null: no HTTPS listener
  private final GatewayHandler handler;
  private final GracefulStop gate;
  private final int port;
  private final int httpsPort;
  private Boolean stopped; // guarded by this

  private GatewayServer(XnioWorker worker, AcceptingChannel<StreamConnection> listener,
      AcceptingChannel<SslConnection> httpsListener, ServerTls tls, GatewayHandler handler, GracefulStop gate) {
    this.worker = worker;
    this.listener = listener;
    this.httpsListener = httpsListener;
    this.tls = tls;
    this.handler = handler;
    this.gate = gate;
    this.port = listener == null ? -1 : listener.getLocalAddress(InetSocketAddress.class).getPort();
    this.httpsPort = httpsListener == null ? -1 : httpsListener.getLocalAddress(InetSocketAddress.class).getPort();
  }

  /**
   * The port the server listens on: the one asked for, or the one the system chose for port 0.
   *
   * <pre>{@code
   * URI base = URI.create("http://127.0.0.1:" + server.port());
   * }</pre>
   *
   * @return the bound port
   * @throws IllegalStateException if the server has no plain-HTTP listener ({@code http(false)})
   */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("port: this server has no plain-HTTP listener (expected: httpsPort())");
    }
    return port;
  }

  /**
   * The port of the HTTPS listener: the one asked for in {@link Builder#https}, or the one the
   * system chose for port 0.
   *
   * <pre>{@code
   * URI base = URI.create("https://localhost:" + server.httpsPort());
   * }</pre>
   *
   * @return the bound port
   * @throws IllegalStateException if the server has no HTTPS listener
   * @since 0.2
   */
  public int httpsPort() {
    if (httpsPort < 0) {
      throw new IllegalStateException("httpsPort: this server has no HTTPS listener (expected: https(port, tls) on the builder)");
    }
    return httpsPort;
  }

  /**
   * Replaces the HTTPS listener's certificate, key and client-certificate policy without a
   * restart: the new config's files are read and checked completely first; then new handshakes
   * use them, while connections already open keep the certificate they started with (as do TLS
   * sessions that clients resume). If anything is wrong, nothing changes and the call throws,
   * naming the file. Safe from any thread; reloads run one at a time.
   *
   * <pre>{@code
   * server.reloadTls(TlsConfig.pem(Path.of("chain.pem"), Path.of("key.pem")));
   * }</pre>
   *
   * @param next the config for new handshakes
   * @throws GatewayException if a file cannot be read or parsed, or the key does not match the
   *     certificate; the current certificate stays
   * @throws IllegalStateException if the server has no HTTPS listener
   * @since 0.2
   */
  public void reloadTls(TlsConfig next) {
    Objects.requireNonNull(next, "next");
    if (tls == null) {
      throw new IllegalStateException("reloadTls: this server has no HTTPS listener (expected: https(port, tls) on the builder)");
    }
    synchronized (tls) {
      tls.reload(next);
      try {
        httpsListener.setOption(Options.SSL_CLIENT_AUTH_MODE, clientAuthMode(next));
      } catch (IOException e) {
        throw new GatewayException("reloadTls: cannot set the client-certificate mode (" + e.getMessage() + ")", e);
      }
    }
  }

  /**
   * Reads the current config's files again, as {@link #reloadTls(TlsConfig)} does: after a
   * certificate renewal has replaced them (cert-manager, certbot), call this, from a timer or a
   * signal handler of the application's.
   *
   * <pre>{@code
   * scheduler.scheduleWithFixedDelay(() -> {
   *   try { server.reloadTls(); } catch (GatewayException e) { log.warn("{}", e.getMessage()); }
   * }, 1, 1, TimeUnit.HOURS);
   * }</pre>
   *
   * @throws GatewayException if a file cannot be read or parsed; the current certificate stays
   * @throws IllegalStateException if the server has no HTTPS listener
   * @since 0.2
   */
  public void reloadTls() {
    if (tls == null) {
      throw new IllegalStateException("reloadTls: this server has no HTTPS listener (expected: https(port, tls) on the builder)");
    }
    reloadTls(tls.config());
  }

  private static SslClientAuthMode clientAuthMode(TlsConfig config) {
    return config.clientAuthMode().map(mode -> mode == TlsConfig.ClientAuth.REQUIRED
        ? SslClientAuthMode.REQUIRED : SslClientAuthMode.REQUESTED).orElse(SslClientAuthMode.NOT_REQUESTED);
  }

  /**
   * Replaces the gateway for requests that start from now on; requests in flight finish on the
   * gateway they started with. The previous gateway is not closed: close it once
   * {@code swappable().drained(previous)} completes. {@code next} takes over its state where the
   * definition is unchanged: see {@link GatewayHandler#swap}.
   *
   * <pre>{@code
   * Gateway previous = server.swap(next);
   * server.swappable().drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @param next the gateway for new requests
   * @return the gateway it replaces
   */
  public Gateway swap(Gateway next) {
    return handler.swap(next);
  }

  /**
   * The gateway that new requests go to.
   *
   * <pre>{@code
   * Gateway now = server.current();
   * }</pre>
   *
   * @return the current gateway
   */
  public Gateway current() {
    return handler.current();
  }

  /**
   * The holder of this server's gateway: swap through it, learn when a swapped-out gateway has
   * no request in flight any more ({@link SwappableGateway#drained}), or let metrics follow the
   * swaps ({@code GatehouseMetrics.follow(server.swappable())}).
   *
   * <pre>{@code
   * Gateway previous = server.swap(next);
   * server.swappable().drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @return the holder, the same for the server's life
   * @since 0.1
   */
  public SwappableGateway swappable() {
    return handler.swappable();
  }

  /**
   * Stops gracefully. The listening socket closes at once, so new connections are refused at the
   * TCP level (as nginx and Envoy do); requests in flight, including the streaming of their
   * response bodies, may finish until the timeout, and their responses carry
   * {@code Connection: close}; a new request on a connection already open gets 503
   * {@code application/problem+json} with {@code Connection: close}. Then the open connections
   * are closed (cutting short whatever is still running, whose gateway futures are then
   * cancelled) and Undertow's threads end. The gateway is not closed. Call it from an application thread, never from an
   * Undertow I/O thread. Idempotent: later calls return the first call's answer.
   *
   * <pre>{@code
   * boolean clean = server.stop(Duration.ofSeconds(10));
   * }</pre>
   *
   * @param timeout how long to wait for requests in flight; zero does not wait
   * @return true if every request in flight finished within the timeout
   */
  public synchronized boolean stop(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
    }
    if (stopped != null) {
      return stopped;
    }
    IoUtils.safeClose(listener);
    IoUtils.safeClose(httpsListener);
    boolean drained;
    try {
      drained = gate.drain(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = gate.inFlight() == 0;
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(THREADS_END_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{}: Undertow's threads did not end within {}; forcing them", this, THREADS_END_TIMEOUT);
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
    stopped = drained;
    return drained;
  }

  /** True once a stop has begun turning new requests away; not synchronized, as stop() holds the lock. */
  boolean isDraining() {
    return gate.isDraining();
  }

  /**
   * Stops with {@link #DEFAULT_STOP_TIMEOUT}; see {@link #stop(Duration)}. Does not close the
   * gateway.
   *
   * <pre>{@code
   * try (GatewayServer server = UndertowGateway.server(gateway).start()) { ... }
   * }</pre>
   */
  @Override
  public void close() {
    stop(DEFAULT_STOP_TIMEOUT);
  }

  @Override
  public String toString() {
    return "GatewayServer[" + (port >= 0 ? "port " + port : "") + (port >= 0 && httpsPort >= 0 ? ", " : "")
        + (httpsPort >= 0 ? "https port " + httpsPort : "") + "]";
  }

  /**
   * Configures a {@link GatewayServer}. Not thread-safe; {@link #start()} may be called more than
   * once, each call starting a new server.
   *
   * <pre>{@code
   * GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).start();
   * }</pre>
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Gateway gateway;
    private String host = "0.0.0.0";
    private int port = 8080;
    private int ioThreads;
    private Duration requestHeaderTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration requestBodyIdleTimeout = ClientTimeouts.DEFAULTS.bodyIdle();
    private long minRequestBodyRate = ClientTimeouts.DEFAULTS.minBodyRate();
    private Duration minRequestBodyRateGrace = ClientTimeouts.DEFAULTS.minBodyRateGrace();
    private Duration responseWriteTimeout = ClientTimeouts.DEFAULTS.write();
    private int maxConnections = 10_000;
    private boolean http = true;
    private int httpsPort = -1;
    private TlsConfig tlsConfig;
    private boolean http2;

    Builder(Gateway gateway) {
      this.gateway = gateway;
    }

    /**
     * Sets the address to listen on. Defaults to {@code 0.0.0.0}, every IPv4 interface.
     *
     * <pre>{@code
     * builder.host("127.0.0.1");
     * }</pre>
     *
     * @param host a host name or address literal
     * @return this builder
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address)");
      }
      this.host = host;
      return this;
    }

    /**
     * Sets the port. Defaults to 8080; 0 lets the system choose a free port, which
     * {@link GatewayServer#port()} then reports.
     *
     * <pre>{@code
     * builder.port(0);
     * }</pre>
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the number of Undertow I/O threads. Defaults to Undertow's choice (one per core, at
     * least two).
     *
     * <pre>{@code
     * builder.ioThreads(4);
     * }</pre>
     *
     * @param ioThreads at least 1
     * @return this builder
     */
    public Builder ioThreads(int ioThreads) {
      if (ioThreads < 1) {
        throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
      }
      this.ioThreads = ioThreads;
      return this;
    }

    /**
     * Sets how long a client may take to send a request's whole head (request line and header
     * fields), from its first byte; a client that takes longer has its connection closed.
     * Defaults to 10 seconds (nginx: {@code client_header_timeout} 60 s).
     *
     * <pre>{@code
     * builder.requestHeaderTimeout(Duration.ofSeconds(5));
     * }</pre>
     *
     * @param timeout more than zero, at most {@code Integer.MAX_VALUE} milliseconds
     * @return this builder
     */
    public Builder requestHeaderTimeout(Duration timeout) {
      this.requestHeaderTimeout = millis("requestHeaderTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a connection may stay open with no request on it (between keep-alive
     * requests); then it is closed. Defaults to 60 seconds (nginx: {@code keepalive_timeout} 75 s).
     *
     * <pre>{@code
     * builder.idleTimeout(Duration.ofSeconds(30));
     * }</pre>
     *
     * @param timeout more than zero, at most {@code Integer.MAX_VALUE} milliseconds
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = millis("idleTimeout", timeout);
      return this;
    }

    /**
     * Sets the longest pause in a request body while the gateway waits for it: a client that
     * sends nothing for longer gets 408 (if no response has started) and its connection closed,
     * and the upstream call is aborted. Time while the gateway is not reading (its upstream is
     * slow) does not count. Defaults to 30 seconds (nginx: {@code client_body_timeout} 60 s).
     *
     * <pre>{@code
     * builder.requestBodyIdleTimeout(Duration.ofSeconds(10));
     * }</pre>
     *
     * @param timeout more than zero
     * @return this builder
     */
    public Builder requestBodyIdleTimeout(Duration timeout) {
      this.requestBodyIdleTimeout = millis("requestBodyIdleTimeout", timeout);
      return this;
    }

    /**
     * Sets the slowest average rate at which a request body may arrive, counted over the time the
     * gateway waits on the client once {@code grace} of such waiting has passed; a slower client
     * is treated as in {@link #requestBodyIdleTimeout}. Defaults to 240 bytes per second after 5
     * seconds (Kestrel's {@code MinRequestBodyDataRate}); 0 turns the check off.
     *
     * <pre>{@code
     * builder.minRequestBodyRate(1024, Duration.ofSeconds(2));
     * }</pre>
     *
     * @param bytesPerSecond zero or more
     * @param grace zero or more
     * @return this builder
     */
    public Builder minRequestBodyRate(long bytesPerSecond, Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("minRequestBodyRate: " + bytesPerSecond + " (expected: >= 0)");
      }
      if (grace.isNegative()) {
        throw new IllegalArgumentException("minRequestBodyRate grace: " + grace + " (expected: >= 0)");
      }
      this.minRequestBodyRate = bytesPerSecond;
      this.minRequestBodyRateGrace = grace;
      return this;
    }

    /**
     * Sets how long a client may take no response bytes (it stopped reading, its socket buffer is
     * full) before its connection is closed and the response's upstream call cancelled. Defaults
     * to 60 seconds (nginx: {@code send_timeout} 60 s).
     *
     * <pre>{@code
     * builder.responseWriteTimeout(Duration.ofSeconds(20));
     * }</pre>
     *
     * @param timeout more than zero
     * @return this builder
     */
    public Builder responseWriteTimeout(Duration timeout) {
      this.responseWriteTimeout = millis("responseWriteTimeout", timeout);
      return this;
    }

    /**
     * Caps the connections open at once: at the cap the server stops accepting (new connections
     * wait in the system's backlog) until one closes. Defaults to 10,000.
     *
     * <pre>{@code
     * builder.maxConnections(2_000);
     * }</pre>
     *
     * @param connections at least 1
     * @return this builder
     */
    public Builder maxConnections(int connections) {
      if (connections < 1) {
        throw new IllegalArgumentException("maxConnections: " + connections + " (expected: >= 1)");
      }
      this.maxConnections = connections;
      return this;
    }

    /**
     * Adds an HTTPS listener on this port, beside the plain-HTTP one on {@link #port} (turn that
     * off with {@link #http(boolean) http(false)}). TLS 1.3 and 1.2 only, with the cipher suites
     * listed on {@link TlsConfig}; requests that arrive on it have the scheme {@code https}, which
     * the gateway passes upstream in {@code X-Forwarded-Proto} and {@code Forwarded}. The files are
     * read by {@link #start()}.
     *
     * <pre>{@code
     * builder.https(8443, TlsConfig.pem(Path.of("chain.pem"), Path.of("key.pem"))).http(false);
     * }</pre>
     *
     * @param port 0 to 65535; 0 lets the system choose, see {@link GatewayServer#httpsPort()}
     * @param tls the certificate, key and client-certificate policy
     * @return this builder
     * @since 0.2
     */
    public Builder https(int port, TlsConfig tls) {
      Objects.requireNonNull(tls, "tls");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("https port: " + port + " (expected: 0 to 65535)");
      }
      this.httpsPort = port;
      this.tlsConfig = tls;
      return this;
    }

    /**
     * Whether the plain-HTTP listener on {@link #port} runs. Defaults to true; turn it off for a
     * server that speaks HTTPS only.
     *
     * <pre>{@code
     * builder.https(8443, tls).http(false);
     * }</pre>
     *
     * @param enabled false for no plain-HTTP listener
     * @return this builder
     * @since 0.2
     */
    public Builder http(boolean enabled) {
      this.http = enabled;
      return this;
    }

    /**
     * Whether clients may speak HTTP/2: over TLS when they offer {@code h2} in ALPN, and in clear
     * text on the plain-HTTP listener by prior knowledge or {@code Upgrade: h2c}. Defaults to
     * false. HTTP/2 requests take the same path through the gateway as HTTP/1.1 ones (the same
     * normalization, header checks and limits), and each connection is held to
     * 100 concurrent streams, a header list of at most
     * 20,000 bytes (names, values and 32 per field, as RFC 9113
     * counts; across CONTINUATION frames; past it the connection is closed with GOAWAY). A stream
     * past the concurrent limit is reset before it reaches the gateway, and streams the client has
     * reset count against that limit until their exchange ends, so resetting and reopening streams
     * (the rapid-reset attack, CVE-2023-44487) never puts more than 100 requests of a connection to
     * work; Undertow also closes a connection that resets more than 200 streams with request bodies
     * per 30 seconds.
     *
     * <pre>{@code
     * builder.https(8443, tls).http2(true);
     * }</pre>
     *
     * @param enabled true to offer HTTP/2
     * @return this builder
     * @since 0.2
     */
    public Builder http2(boolean enabled) {
      this.http2 = enabled;
      return this;
    }

    private static Duration millis(String field, Duration timeout) {
      Objects.requireNonNull(timeout, field);
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException(field + ": " + timeout + " (expected: > 0 and <= " + Integer.MAX_VALUE + " ms)");
      }
      return timeout;
    }

    /**
     * Binds the port and starts serving.
     *
     * <pre>{@code
     * GatewayServer server = builder.start();
     * }</pre>
     *
     * @return the running server
     * @throws GatewayException if the server cannot start, for example because the port is taken
     */
    public GatewayServer start() {
      GatewayHandler handler = new GatewayHandler(gateway, new ClientTimeouts(requestBodyIdleTimeout,
          minRequestBodyRate, minRequestBodyRateGrace, responseWriteTimeout));
      if (!http && tlsConfig == null) {
        throw new GatewayException("server: no listener (expected: http(true), https(port, tls), or both)");
      }
      ServerTls tls = tlsConfig == null ? null : ServerTls.start(tlsConfig);
      GracefulStop gate = GracefulStop.create();
      int io = ioThreads > 0 ? ioThreads : Math.max(Runtime.getRuntime().availableProcessors(), 2);
      OptionMap.Builder serverOptionsBuilder = OptionMap.builder()
          .set(UndertowOptions.MAX_ENTITY_SIZE, 0L)
          // Undertow's pipelining buffer holds finished responses until a later pipelined request
          // completes; a malformed later request (400 and close) would discard them.
          .set(UndertowOptions.BUFFER_PIPELINED_DATA, false)
          .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) requestHeaderTimeout.toMillis())
          .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) idleTimeout.toMillis());
      if (http2) {
        http2Options(serverOptionsBuilder);
      }
      OptionMap serverOptions = serverOptionsBuilder.getMap();
      OptionMap socketOptions = OptionMap.builder()
          .set(Options.WORKER_IO_THREADS, io)
          .set(Options.TCP_NODELAY, true)
          .set(Options.REUSE_ADDRESSES, true)
          .set(Options.BALANCING_TOKENS, 1)
          .set(Options.BALANCING_CONNECTIONS, 2)
          .set(Options.BACKLOG, 1000)
          .set(Options.CONNECTION_HIGH_WATER, maxConnections)
          .set(Options.CONNECTION_LOW_WATER, maxConnections)
          .getMap();
      // The server is put together from Undertow's parts, as Undertow.start() does, so that it owns
      // its listening channel: stop() closes it first, refusing new connections while requests in
      // flight finish.
      XnioWorker worker;
      try {
        worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
            .set(Options.WORKER_IO_THREADS, io)
            .set(Options.WORKER_TASK_CORE_THREADS, io * 8)
            .set(Options.WORKER_TASK_MAX_THREADS, io * 8)
            .set(Options.TCP_NODELAY, true)
            .set(Options.CORK, true)
            .getMap());
      } catch (IOException | RuntimeException e) {
        throw new GatewayException("server: cannot start Undertow's threads (" + e.getMessage() + ")", e);
      }
      DefaultByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);
      HttpHandler root = new DrainingHandler(handler, gate);
      if (http2) {
        root = new Http2Guard(root, HTTP2_MAX_CONCURRENT_STREAMS);
      }
      AcceptingChannel<StreamConnection> listener = null;
      AcceptingChannel<SslConnection> httpsListener = null;
      try {
        if (http) {
          HttpOpenListener open = new HttpOpenListener(buffers, serverOptions);
          open.setRootHandler(http2 ? new Http2UpgradeHandler(root) : root);
          try {
            listener = worker.createStreamConnectionServer(new InetSocketAddress(host, port),
                ChannelListeners.openListenerAdapter(open), socketOptions);
          } catch (IOException | RuntimeException e) {
            throw new GatewayException("server: cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
          }
        }
        if (tls != null) {
          httpsListener = httpsListener(worker, tls, buffers, serverOptions, socketOptions, root);
        }
      } catch (RuntimeException e) {
        IoUtils.safeClose(listener);
        worker.shutdownNow();
        throw e;
      }
      if (listener != null) {
        listener.resumeAccepts();
      }
      if (httpsListener != null) {
        httpsListener.resumeAccepts();
      }
      return new GatewayServer(worker, listener, httpsListener, tls, handler, gate);
    }

    /**
     * Options read by HTTP/2 connections only: those of ALPN, of prior knowledge and of h2c
     * upgrades. The header list size is set with the deprecated HTTP/2 option because its
     * replacement, MAX_HEADER_SIZE, also limits HTTP/1.1 heads, which the gateway answers itself
     * (431 past its own limit).
     */
    @SuppressWarnings("deprecation")
    private static void http2Options(OptionMap.Builder options) {
      options.set(UndertowOptions.ENABLE_HTTP2, true)
          .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, HTTP2_MAX_CONCURRENT_STREAMS)
          .set(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, HTTP2_MAX_HEADER_LIST_SIZE)
          .set(UndertowOptions.HTTP2_SETTINGS_ENABLE_PUSH, false)
          .set(UndertowOptions.MAX_RST_FRAMES_PER_WINDOW, HTTP2_MAX_RESETS)
          .set(UndertowOptions.RST_FRAMES_TIME_WINDOW, HTTP2_RESET_WINDOW_SECONDS * 1000);
    }

    private AcceptingChannel<SslConnection> httpsListener(XnioWorker worker, ServerTls tls, DefaultByteBufferPool buffers,
        OptionMap serverOptions, OptionMap socketOptions, HttpHandler root) {
      HttpOpenListener http1 = new HttpOpenListener(buffers, serverOptions);
      http1.setRootHandler(root);
      OpenListener open = http1;
      if (http2) {
        AlpnOpenListener alpn = new AlpnOpenListener(buffers, serverOptions, http1);
        Http2OpenListener h2 = new Http2OpenListener(buffers, serverOptions);
        h2.setRootHandler(root);
        alpn.addProtocol(Http2OpenListener.HTTP2, h2, 10);
        open = alpn;
      }
      OptionMap sslOptions = OptionMap.builder()
          .addAll(socketOptions)
          .setSequence(Options.SSL_ENABLED_PROTOCOLS, ServerTls.PROTOCOLS.toArray(new String[0]))
          .setSequence(Options.SSL_ENABLED_CIPHER_SUITES, ServerTls.CIPHER_SUITES.toArray(new String[0]))
          .set(Options.SSL_CLIENT_AUTH_MODE, clientAuthMode(tls.config()))
          .set(UndertowOptions.SSL_USER_CIPHER_SUITES_ORDER, true)
          .getMap();
      UndertowXnioSsl ssl = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true), tls.context());
      try {
        return ssl.createSslConnectionServer(worker, new InetSocketAddress(host, httpsPort),
            ChannelListeners.<SslConnection>openListenerAdapter(open), sslOptions);
      } catch (IOException | RuntimeException e) {
        throw new GatewayException("server: cannot listen for HTTPS on " + host + ":" + httpsPort + " (" + e.getMessage() + ")", e);
      }
    }
  }
}
