package io.gatehouse.impl.responsecache;

import io.gatehouse.TimeSource;
import io.gatehouse.adapter.GatewayCall;
import io.gatehouse.auth.Principal;
import io.gatehouse.cache.CacheOutcome;
import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.cache.ResponseCacheStore;
import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.problem.RequestIds;
import io.gatehouse.impl.routing.QueryParameters;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's response cache, the last stage before the upstream: after IP rules, authentication,
 * limits and the route's filters, so that a stored answer is given only to a request that would
 * have reached the upstream, and the key can read headers the filters set.
 *
 * <ul>
 *   <li>{@code GET}/{@code HEAD}: a fresh stored response is served with {@code Age} (and 304 when
 *       the client's conditional matches it); a stale one is served while it is refreshed in the
 *       background within {@code stale-while-revalidate}, else revalidated upstream with its
 *       validators (304 refreshes it), and served instead of an upstream error or failure within
 *       {@code stale-if-error}. A miss goes upstream once for all concurrent requests of its key
 *       (the others wait, bounded, then go themselves), and a storable answer is copied as it
 *       streams to the client, up to the entry cap.
 *   <li>{@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE} and unknown methods: a non-error
 *       answer removes the stored {@code GET} of the same URI, and of its {@code Location} and
 *       {@code Content-Location} on the same host (RFC 9111 section 4.4).
 * </ul>
 * Every answer to a {@code GET} or {@code HEAD} says what the cache did in {@code Cache-Status}
 * (RFC 9211).
 */
final class CacheStage implements Stage {
  private static final Logger log = LoggerFactory.getLogger(CacheStage.class);
  /** How long a stale response with a validator is kept for revalidation, past its stale windows. */
  static final long VALIDATOR_KEEP_SECONDS = 600;
  private static final String CACHE = "gatehouse";
  /** The upstream's tags of a response, for purging by tag; kept in the store, never sent to clients. */
  static final String SURROGATE_KEY = "Surrogate-Key";
  private static final List<String> CONDITIONALS =
      List.of("If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range");

  private final String routeId;
  private final ResponseCache settings;
  private final SharedCache shared;
  private final int maxEntryBytes;

  CacheStage(String routeId, ResponseCache settings, SharedCache shared) {
    this.routeId = routeId;
    this.settings = settings;
    this.shared = shared;
    this.maxEntryBytes = (int) Math.min(Integer.MAX_VALUE - 8, settings.maxEntryBytes());
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain next) {
    Request request = exchange.request();
    String method = request.method();
    boolean get = method.equals("GET");
    if (!get && !method.equals("HEAD")) {
      if (method.equals("OPTIONS") || method.equals("TRACE")) {
        return next.proceed(exchange);
      }
      return next.proceed(exchange).thenApply(response -> invalidateAfter(request, state, response));
    }
    if (state.upgradeFields().isPresent()) {
      // A WebSocket upgrade is a GET that must reach the upstream: never answered from, nor stored in, the cache.
      state.cacheOutcome(CacheOutcome.BYPASS);
      return next.proceed(exchange).thenApply(r -> r.status() == 101 ? r : withStatus(r, "fwd=bypass; detail=upgrade"));
    }
    Request upstreamRequest = keyedQuery(request);
    if (request.headers().contains("Range")) {
      state.cacheOutcome(CacheOutcome.BYPASS);
      return next.proceed(exchange.withRequest(upstreamRequest)).thenApply(r -> withStatus(r, "fwd=bypass; detail=range"));
    }
    String key = key(upstreamRequest, state);
    Exchange forward = exchange.withRequest(upstreamRequest);
    return shared.store.get(key).handle((variants, failure) -> {
      if (failure != null) {
        log.debug("{}: the store failed to answer for route '{}'; going upstream without caching", shared, routeId, failure);
        state.cacheOutcome(CacheOutcome.BYPASS);
        return next.proceed(forward).thenApply(r -> withStatus(r, "fwd=bypass; detail=store-failed"));
      }
      return answer(forward, state, next, key, variants, get);
    }).thenCompose(r -> r);
  }

  private CompletionStage<Response> answer(Exchange exchange, RequestState state, Chain next, String key,
      List<CachedResponse> variants, boolean get) {
    Request request = exchange.request();
    CachedResponse chosen = select(variants, request.headers());
    if (chosen == null) {
      return fetch(exchange, state, next, key, variants, null, variants.isEmpty() ? "uri-miss" : "vary-miss", get, true);
    }
    Instant now = state.time().now();
    CacheControl cc = CacheControl.parse(chosen.headers().all("Cache-Control"));
    long lifetime = CachePolicy.freshnessLifetime(chosen.headers(), cc, settings.defaultTtl(), chosen.responseTime());
    long age = CachePolicy.currentAge(chosen, now);
    if (age < lifetime) {
      state.cacheOutcome(CacheOutcome.HIT);
      return CompletableFuture.completedFuture(serve(chosen, request, age, "hit; ttl=" + (lifetime - age)));
    }
    long staleness = age - lifetime;
    if (CachePolicy.mayServeStale(cc) && cc.staleWhileRevalidate() > 0 && staleness <= cc.staleWhileRevalidate()) {
      state.cacheOutcome(CacheOutcome.STALE);
      if (shared.refreshing.add(key)) {
        refreshInBackground(exchange, state, next, key, variants, chosen);
      }
      return CompletableFuture.completedFuture(
          serve(chosen, request, age, "hit; ttl=" + (lifetime - age) + "; detail=stale-while-revalidate"));
    }
    return fetch(exchange, state, next, key, variants, chosen, "stale", get, true);
  }

  /**
   * Goes upstream for a miss or a revalidation; with coalescing, only the first request of a key
   * does, and the others wait for what it stores.
   */
  private CompletionStage<Response> fetch(Exchange exchange, RequestState state, Chain next, String key,
      List<CachedResponse> variants, CachedResponse stale, String fwd, boolean get, boolean coalesce) {
    if (!get || !coalesce || settings.coalescingWait().isZero()) {
      return call(exchange, state, next, key, variants, stale, fwd, get, null, false);
    }
    CompletableFuture<Optional<CachedResponse>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<CachedResponse>> leader = shared.inFlight.putIfAbsent(key, mine);
    if (leader == null) {
      // A first call whose body is never read to its end must not hold its key: its waiters, and
      // every later miss, would wait for it.
      TimeSource.Scheduled expiry = schedule(settings.coalescingWait(), () -> mine.complete(Optional.empty()));
      mine.whenComplete((r, e) -> {
        expiry.cancel();
        shared.inFlight.remove(key, mine);
      });
      if (mine.isDone()) {
        return call(exchange, state, next, key, variants, stale, fwd, true, null, false);
      }
      return call(exchange, state, next, key, variants, stale, fwd, true, mine, false);
    }
    CompletableFuture<Optional<CachedResponse>> waited = new CompletableFuture<>();
    TimeSource.Scheduled timer = schedule(settings.coalescingWait(), () -> waited.complete(Optional.empty()));
    leader.whenComplete((entry, e) -> {
      timer.cancel();
      waited.complete(e == null ? entry : Optional.empty());
    });
    return waited.thenCompose(entry -> {
      Request request = exchange.request();
      if (entry.isPresent() && matches(entry.get(), request.headers())) {
        long age = CachePolicy.currentAge(entry.get(), state.time().now());
        state.cacheOutcome(CacheOutcome.HIT);
        return CompletableFuture.completedFuture(serve(entry.get(), request, age, "fwd=" + fwd + "; collapsed"));
      }
      return call(exchange, state, next, key, variants, stale, fwd, true, null, false);
    });
  }

  /**
   * Calls the upstream once, without the client's conditionals (the cache answers those itself)
   * and with the stored response's validators when revalidating.
   */
  private CompletionStage<Response> call(Exchange exchange, RequestState state, Chain next, String key,
      List<CachedResponse> variants, CachedResponse stale, String fwd, boolean get,
      CompletableFuture<Optional<CachedResponse>> waiters, boolean background) {
    Request request = exchange.request();
    HttpHeaders.Builder headers = request.headers().toBuilder();
    CONDITIONALS.forEach(headers::remove);
    if (stale != null) {
      stale.headers().first("ETag").ifPresent(tag -> headers.set("If-None-Match", tag));
      stale.headers().first("Last-Modified").ifPresent(date -> headers.set("If-Modified-Since", date));
    }
    Request upstream = request.toBuilder().headers(headers.build()).build();
    Instant requestTime = state.time().now();
    CompletionStage<Response> sent;
    try {
      sent = next.proceed(exchange.withRequest(upstream));
    } catch (RuntimeException e) {
      settle(waiters, null);
      throw e;
    }
    return sent.handle((response, failure) -> {
      if (failure != null) {
        settle(waiters, null);
        throw failure instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(failure);
      }
      Consumer<CacheOutcome> report = background ? outcome -> { } : state::cacheOutcome;
      return stored(request, state, key, variants, stale, fwd, get, waiters, response, requestTime, report);
    });
  }

  private Response stored(Request request, RequestState state, String key, List<CachedResponse> variants,
      CachedResponse stale, String fwd, boolean get, CompletableFuture<Optional<CachedResponse>> waiters,
      Response response, Instant requestTime, Consumer<CacheOutcome> report) {
    Instant responseTime = state.time().now();
    report.accept(CacheOutcome.MISS);
    int status = response.status();
    if (stale != null && status == 304) {
      GatewayCall.discard(response.body());
      CachedResponse refreshed = stale.refreshed(CachePolicy.refresh(stale.headers(), response.headers()),
          requestTime, responseTime);
      put(key, variants, refreshed, responseTime);
      settle(waiters, refreshed);
      report.accept(CacheOutcome.REVALIDATED);
      return serve(refreshed, request, CachePolicy.currentAge(refreshed, responseTime), "fwd=stale; fwd-status=304");
    }
    if (stale != null && status >= 500) {
      CacheControl cc = CacheControl.parse(stale.headers().all("Cache-Control"));
      long lifetime = CachePolicy.freshnessLifetime(stale.headers(), cc, settings.defaultTtl(), stale.responseTime());
      long age = CachePolicy.currentAge(stale, responseTime);
      if (CachePolicy.mayServeStale(cc) && cc.staleIfError() > 0 && age - lifetime <= cc.staleIfError()) {
        GatewayCall.discard(response.body());
        settle(waiters, null);
        report.accept(CacheOutcome.STALE);
        return serve(stale, request, age, "fwd=stale; fwd-status=" + status + "; detail=stale-if-error");
      }
    }
    if (!get) {
      settle(waiters, null);
      return withStatus(response, "fwd=" + fwd + "; fwd-status=" + status);
    }
    HttpHeaders h = response.headers();
    CacheControl cc = CacheControl.parse(h.all("Cache-Control"));
    boolean authenticated = request.headers().contains("Authorization") || state.principal().isPresent();
    Optional<String> refusal = CachePolicy.notStorable(status, h, cc,
        CacheControl.parse(request.headers().all("Cache-Control")), authenticated, settings);
    if (refusal.isEmpty() && response.body().contentLength().orElse(0) > maxEntryBytes) {
      refusal = Optional.of("too-large");
    }
    if (refusal.isEmpty() && retention(CachedResponse.of(status, h, new byte[0], requestTime, responseTime, Map.of()),
        responseTime) <= 0) {
      refusal = Optional.of("stale");
    }
    if (refusal.isPresent()) {
      settle(waiters, null);
      return withStatus(response, "fwd=" + fwd + "; fwd-status=" + status + "; detail=" + refusal.get());
    }
    List<String> varyNames = CachePolicy.varyNames(h).orElseThrow();
    Map<String, String> varyValues = new HashMap<>();
    for (String name : varyNames) {
      CachePolicy.varyValue(request.headers(), name).ifPresent(v -> varyValues.put(name, v));
    }
    HttpHeaders kept = storedHeaders(h);
    Response out = withStatus(response, "fwd=" + fwd + "; fwd-status=" + status + "; stored");
    Body body = response.body();
    Optional<byte[]> inMemory = body.inMemory();
    if (inMemory.isPresent() || body.isEmpty()) {
      byte[] bytes = inMemory.orElse(new byte[0]);
      if (bytes.length > maxEntryBytes) {
        settle(waiters, null);
        return withStatus(response, "fwd=" + fwd + "; fwd-status=" + status + "; detail=too-large");
      }
      keep(key, variants, status, kept, bytes, requestTime, responseTime, varyValues, waiters);
      return out;
    }
    CapturingBody capturing = new CapturingBody(body, maxEntryBytes,
        bytes -> keep(key, variants, status, kept, bytes, requestTime, responseTime, varyValues, waiters),
        () -> settle(waiters, null));
    return out.toBuilder().body(Body.ofPublisher(capturing, body.contentLength().orElse(-1))).build();
  }

  private void keep(String key, List<CachedResponse> variants, int status, HttpHeaders headers, byte[] bytes,
      Instant requestTime, Instant responseTime, Map<String, String> varyValues,
      CompletableFuture<Optional<CachedResponse>> waiters) {
    CachedResponse entry;
    try {
      entry = CachedResponse.of(status, headers, bytes, requestTime, responseTime, varyValues);
    } catch (RuntimeException e) {
      settle(waiters, null);
      return;
    }
    put(key, variants, entry, responseTime);
    settle(waiters, entry);
  }

  /** Stores an entry as the newest variant of its key, replacing the variant it selects like. */
  private void put(String key, List<CachedResponse> variants, CachedResponse entry, Instant now) {
    List<CachedResponse> all = new ArrayList<>(Math.min(variants.size() + 1, ResponseCacheStore.MAX_VARIANTS));
    all.add(entry);
    for (CachedResponse v : variants) {
      if (all.size() == ResponseCacheStore.MAX_VARIANTS) {
        break;
      }
      if (!v.varyValues().equals(entry.varyValues()) || !sameVary(v, entry)) {
        all.add(v);
      }
    }
    long keep = 0;
    for (CachedResponse v : all) {
      keep = Math.max(keep, retention(v, now));
    }
    if (keep <= 0) {
      return;
    }
    shared.store.put(key, all, Duration.ofSeconds(keep)).whenComplete((ok, e) -> {
      if (e != null) {
        log.debug("{}: could not store an entry of route '{}'", shared, routeId, e);
      }
    });
  }

  private static boolean sameVary(CachedResponse a, CachedResponse b) {
    return CachePolicy.varyNames(a.headers()).equals(CachePolicy.varyNames(b.headers()));
  }

  /** How long an entry is worth keeping from now, in seconds: while fresh, then its stale windows, then for revalidation. */
  private long retention(CachedResponse entry, Instant now) {
    CacheControl cc = CacheControl.parse(entry.headers().all("Cache-Control"));
    long lifetime = CachePolicy.freshnessLifetime(entry.headers(), cc, settings.defaultTtl(), entry.responseTime());
    long left = lifetime - CachePolicy.currentAge(entry, now);
    long stale = CachePolicy.mayServeStale(cc) ? Math.max(Math.max(cc.staleWhileRevalidate(), cc.staleIfError()), 0) : 0;
    long validator = CachePolicy.hasValidator(entry.headers()) ? VALIDATOR_KEEP_SECONDS : 0;
    return Math.max(0, left) + (left + stale > 0 ? stale : 0) + validator;
  }

  /** Refreshes a stale entry while it is served, without a client; one refresh per key at a time. */
  private void refreshInBackground(Exchange exchange, RequestState state, Chain next, String key,
      List<CachedResponse> variants, CachedResponse stale) {
    CompletionStage<Response> refresh;
    try {
      refresh = call(exchange, state, next, key, variants, stale, "stale", true, null, true);
    } catch (RuntimeException e) {
      shared.refreshing.remove(key);
      log.debug("{}: the background refresh of route '{}' failed", shared, routeId, e);
      return;
    }
    refresh.whenComplete((response, failure) -> {
      if (response == null) {
        shared.refreshing.remove(key);
        return;
      }
      // Nobody reads this body but the capture: read it to the end so that it is stored.
      Drain drain = new Drain(() -> shared.refreshing.remove(key));
      response.body().subscribe(drain);
    });
  }

  /** Serves a stored response: 304 when the client's conditional matches it, else the whole response. */
  private static Response serve(CachedResponse entry, Request request, long age, String status) {
    HttpHeaders stored = entry.headers();
    if (entry.status() == 200 && CachePolicy.notModified(request.headers(), stored)) {
      HttpHeaders.Builder h = HttpHeaders.builder();
      for (String name : List.of("Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary", "Last-Modified")) {
        stored.all(name).forEach(v -> h.add(name, v));
      }
      h.set("Age", Long.toString(age));
      h.add("Cache-Status", CACHE + "; " + status);
      return Response.builder(304).headers(h.build()).build();
    }
    HttpHeaders.Builder h = stored.toBuilder().remove(SURROGATE_KEY);
    h.set("Age", Long.toString(Math.min(age, CacheControl.MAX_DELTA)));
    String upstreamStatus = String.join(", ", stored.all("Cache-Status"));
    h.set("Cache-Status", CACHE + "; " + status + (upstreamStatus.isEmpty() ? "" : ", " + upstreamStatus));
    int length = entry.bodyLength();
    Body body = length == 0 ? Body.empty() : Body.ofPublisher(new BufferPublisher(entry.body()), length);
    return Response.builder(entry.status()).headers(h.build()).body(body).build();
  }

  /** The response with this cache's entry first in {@code Cache-Status}, before the upstream's own. */
  private static Response withStatus(Response response, String status) {
    String upstream = String.join(", ", response.headers().all("Cache-Status"));
    return response.toBuilder().headers(response.headers().toBuilder().remove(SURROGATE_KEY)
        .set("Cache-Status", CACHE + "; " + status + (upstream.isEmpty() ? "" : ", " + upstream)).build()).build();
  }

  /** What is kept of a response's headers: not its framing, its per-request id, or this cache's own status. */
  private static HttpHeaders storedHeaders(HttpHeaders headers) {
    return headers.toBuilder().remove("Content-Length").remove(RequestIds.HEADER).remove("Cache-Status").build();
  }

  /** The newest stored variant whose {@code Vary} fields the request matches, or null. */
  private static CachedResponse select(List<CachedResponse> variants, HttpHeaders request) {
    for (CachedResponse v : variants) {
      if (matches(v, request)) {
        return v;
      }
    }
    return null;
  }

  private static boolean matches(CachedResponse entry, HttpHeaders request) {
    Optional<List<String>> names = CachePolicy.varyNames(entry.headers());
    if (names.isEmpty()) {
      return false;
    }
    for (String name : names.get()) {
      Optional<String> value = CachePolicy.varyValue(request, name);
      String stored = entry.varyValues().get(name);
      if (value.isPresent() ? !value.get().equals(stored) : stored != null) {
        return false;
      }
    }
    return true;
  }

  /** The request as the upstream gets it: with only the key's query parameters, when the key names some. */
  private Request keyedQuery(Request request) {
    if (settings.keyQueryParameters().isEmpty()) {
      return request;
    }
    Optional<String> kept = QueryParameters.only(request.rawQuery().orElse(""), settings.keyQueryParameters().get());
    if (kept.equals(request.rawQuery())) {
      return request;
    }
    return kept.map(q -> request.toBuilder().rawQuery(q).build()).orElseGet(() -> request.toBuilder().noQuery().build());
  }

  /**
   * The primary key: route, scheme, host, forwarded host and proto (present only from trusted
   * proxies: ingress removes them from anyone else), path and query as the upstream gets them,
   * then the key's headers and the consumer. Fields are separated by a line feed, which no header
   * value, path or query can hold.
   */
  String key(Request request, RequestState state) {
    return key(request, request.path(), request.rawQuery(), state);
  }

  private String key(Request request, String path, Optional<String> query, RequestState state) {
    HttpHeaders h = request.headers();
    StringBuilder k = new StringBuilder(96).append(routeId).append('\n').append(request.scheme()).append('\n')
        .append(h.first("Host").orElse("").toLowerCase(Locale.ROOT)).append('\n')
        .append(String.join(",", h.all("X-Forwarded-Host")).toLowerCase(Locale.ROOT)).append('\n')
        .append(String.join(",", h.all("X-Forwarded-Proto"))).append('\n')
        .append(path).append('\n').append(query.map(q -> "?" + q).orElse(""));
    for (String name : settings.keyHeaders()) {
      k.append('\n').append(name).append(':');
      CachePolicy.varyValue(h, name).ifPresent(k::append);
    }
    if (settings.isKeyedByConsumer()) {
      k.append("\nconsumer:").append(state.principal().map(Principal::id).orElse(""));
    }
    return k.toString();
  }

  /** After a non-error answer to an unsafe method, removes the stored responses it made stale. */
  private Response invalidateAfter(Request request, RequestState state, Response response) {
    if (response.status() < 200 || response.status() >= 400) {
      return response;
    }
    Request asKeyed = keyedQuery(request);
    shared.store.remove(key(asKeyed, state));
    for (String field : List.of("Location", "Content-Location")) {
      response.headers().first(field).flatMap(v -> sameHostPath(request, v)).ifPresent(target -> {
        Optional<String> query = Optional.ofNullable(target.getRawQuery());
        if (settings.keyQueryParameters().isPresent()) {
          query = QueryParameters.only(query.orElse(""), settings.keyQueryParameters().get());
        }
        shared.store.remove(key(request, target.getRawPath(), query, state));
      });
    }
    return response;
  }

  /** A {@code Location}-like value as a URI on the request's host, or empty when it is elsewhere or unreadable. */
  private static Optional<URI> sameHostPath(Request request, String value) {
    try {
      URI uri = new URI(value.trim());
      if (uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
        return Optional.empty();
      }
      if (uri.getHost() != null) {
        String host = request.headers().first("Host").orElse("");
        String authority = uri.getRawAuthority();
        if (authority == null || !authority.equalsIgnoreCase(host)) {
          return Optional.empty();
        }
      }
      return Optional.of(uri);
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** A task on the gateway's timer; run at once when the gateway is closing and its timer refuses tasks. */
  private TimeSource.Scheduled schedule(Duration delay, Runnable task) {
    try {
      return shared.scheduler.schedule(delay, task);
    } catch (RejectedExecutionException e) {
      task.run();
      return () -> false;
    }
  }

  private static void settle(CompletableFuture<Optional<CachedResponse>> waiters, CachedResponse entry) {
    if (waiters != null) {
      waiters.complete(Optional.ofNullable(entry));
    }
  }

  @Override
  public String toString() {
    return "response cache '" + settings.name() + "' of route '" + routeId + "'";
  }

  /** Reads a body to its end for its side effects, then runs a task. */
  private static final class Drain implements Flow.Subscriber<ByteBuffer> {
    private final Runnable done;
    private final AtomicBoolean ran = new AtomicBoolean();

    Drain(Runnable done) {
      this.done = done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {}

    @Override
    public void onError(Throwable failure) {
      finish();
    }

    @Override
    public void onComplete() {
      finish();
    }

    private void finish() {
      if (ran.compareAndSet(false, true)) {
        done.run();
      }
    }
  }

  /** A stored body, sent without a copy: one read-only buffer. */
  private static final class BufferPublisher implements Flow.Publisher<ByteBuffer> {
    private final ByteBuffer bytes;

    BufferPublisher(ByteBuffer bytes) {
      this.bytes = bytes;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      AtomicBoolean done = new AtomicBoolean();
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          if (!done.compareAndSet(false, true)) {
            return;
          }
          if (n <= 0) {
            subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
            return;
          }
          subscriber.onNext(bytes.duplicate());
          subscriber.onComplete();
        }

        @Override
        public void cancel() {
          done.set(true);
        }
      });
    }
  }
}
