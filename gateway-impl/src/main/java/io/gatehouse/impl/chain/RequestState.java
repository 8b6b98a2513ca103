package io.gatehouse.impl.chain;

import io.gatehouse.TimeSource;
import io.gatehouse.auth.Principal;
import io.gatehouse.cache.CacheOutcome;
import io.gatehouse.filter.AttributeKey;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.impl.problem.Problems;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Everything the gateway knows about one request while it handles it, in one place: made when
 * {@code Gateway.handle} starts, carried by the chain to every stage and the terminal beside
 * whatever {@link io.gatehouse.filter.Exchange} a filter passes on, and read once at the end for
 * the request's record. Stages write what they decide here (the route, the principal, why the
 * gateway answered by itself, the upstream attempts), never through attributes or casts.
 * Thread-safe: a request moves between threads, one step at a time.
 */
public final class RequestState {
  private final String requestId;
  private final TimeSource time;
  private final RequestSpan trace;
  private final Supplier<String> clientResolver;
  private volatile String clientAddress; // null until first asked
  private volatile String routeId; // null until routed
  private volatile Map<String, String> pathVariables = Map.of();
  private volatile Principal principal; // null until authenticated
  private volatile Rejection rejection; // null unless the gateway answered by itself
  private volatile String upstreamTarget; // the last attempt's target
  private volatile long upstreamNanos; // written under this: an aggregation's attempts run in parallel
  private volatile int upstreamAttempts; // written under this
  private volatile HttpHeaders upgradeFields; // null unless the request offered WebSocket
  private volatile CacheOutcome cacheOutcome; // null unless the route has a response cache
  /** Created on first write: most requests never set an attribute. */
  private volatile Map<AttributeKey<?>, Object> attributes;
  private List<Runnable> cancelHooks; // guarded by this
  private boolean cancelled; // guarded by this

  /**
   * The state of a request that just arrived.
   *
   * @param requestId its id
   * @param time the gateway's time source
   * @param trace its span
   * @param clientAddress who the client is, honouring the trusted proxies, read from the request
   *     as it arrived; asked at most once, when a stage or the record first needs it
   */
  public RequestState(String requestId, TimeSource time, RequestSpan trace, Supplier<String> clientAddress) {
    this.requestId = requestId;
    this.time = time;
    this.trace = trace;
    this.clientResolver = clientAddress;
  }

  public String requestId() {
    return requestId;
  }

  public TimeSource time() {
    return time;
  }

  /** {@return the request's span: every upstream attempt is its child} */
  public RequestSpan trace() {
    return trace;
  }

  /**
   * The client's address, honouring the trusted proxies: the one value that IP rules, per-IP rate
   * limits, consistent hashing, filters and the request's record all read, whatever a filter did
   * to the request's headers. Resolved on first use, since most requests never need it.
   *
   * @return a canonical address literal (or, for a peer without an IP address, its host string)
   */
  public String clientAddress() {
    String known = clientAddress;
    if (known == null) {
      known = clientResolver.get(); // two threads racing here compute the same value
      clientAddress = known;
    }
    return known;
  }

  /** A problem+json response the gateway makes by itself, with this request's id. */
  public Response problem(int status, String title, String detail) {
    return Problems.response(status, title, detail, requestId);
  }

  /**
   * Records the route the request matched; once, before its chain runs.
   *
   * @param id the route's id
   * @param variables the path template's variables
   */
  public void routed(String id, Map<String, String> variables) {
    this.pathVariables = variables;
    this.routeId = id;
  }

  /**
   * Keeps the {@code Upgrade} and {@code Connection} fields of a WebSocket offer as they arrived,
   * before ingress removes them as hop-by-hop, for a route that takes WebSockets.
   *
   * @param fields the two fields
   */
  public void upgradeFields(HttpHeaders fields) {
    this.upgradeFields = fields;
  }

  /** {@return the {@code Upgrade} and {@code Connection} fields of a WebSocket offer as they arrived; empty for any other request} */
  public Optional<HttpHeaders> upgradeFields() {
    return Optional.ofNullable(upgradeFields);
  }

  /** {@return the matched route's id; empty before routing or without a match} */
  public Optional<String> routeId() {
    return Optional.ofNullable(routeId);
  }

  /** {@return the matched route's path variables; empty before routing} */
  public Map<String, String> pathVariables() {
    return pathVariables;
  }

  /**
   * Records who the auth stage found.
   *
   * @param who the principal
   */
  public void authenticated(Principal who) {
    this.principal = who;
  }

  /** {@return who sent the request, once authenticated} */
  public Optional<Principal> principal() {
    return Optional.ofNullable(principal);
  }

  /**
   * Records why the gateway answered by itself; a later reason replaces an earlier one.
   *
   * @param why the reason
   */
  public void reject(Rejection why) {
    this.rejection = why;
  }

  /** Forgets why the gateway answered by itself: a terminal that answered after all (an aggregation with a failed optional backend). */
  public void answered() {
    this.rejection = null;
  }

  /** {@return why the gateway answered by itself, if it did} */
  public Optional<Rejection> rejection() {
    return Optional.ofNullable(rejection);
  }

  /** Counts an upstream call about to be sent; an aggregation's attempts run in parallel. */
  public synchronized void upstreamAttemptStarted() {
    upstreamAttempts++;
  }

  /**
   * Records where an upstream attempt went and how long it took until its response head.
   *
   * @param target the target's URL
   * @param nanos the attempt's duration
   */
  public synchronized void upstreamAttemptEnded(String target, long nanos) {
    upstreamTarget = target;
    upstreamNanos += nanos;
  }

  /** {@return the target of the last upstream attempt, if any went out} */
  public Optional<String> upstreamTarget() {
    return Optional.ofNullable(upstreamTarget);
  }

  /** {@return the time the upstream attempts took until their response heads, in all} */
  public long upstreamNanos() {
    return upstreamNanos;
  }

  public int upstreamAttempts() {
    return upstreamAttempts;
  }

  /**
   * Records what the route's response cache did; a later outcome replaces an earlier one.
   *
   * @param outcome the outcome
   */
  public void cacheOutcome(CacheOutcome outcome) {
    this.cacheOutcome = outcome;
  }

  /** {@return what the route's response cache did, if the route has one} */
  public Optional<CacheOutcome> cacheOutcome() {
    return Optional.ofNullable(cacheOutcome);
  }

  /**
   * Reads a filter's attribute.
   *
   * @param <T> the value's type
   * @return the value, or null if unset
   */
  public <T> T attribute(AttributeKey<T> key) {
    Map<AttributeKey<?>, Object> map = attributes;
    return map == null ? null : key.type().cast(map.get(key));
  }

  /**
   * Sets a filter's attribute.
   *
   * @param <T> the value's type
   */
  public <T> void attribute(AttributeKey<T> key, T value) {
    Map<AttributeKey<?>, Object> map = attributes;
    if (map == null) {
      synchronized (this) {
        map = attributes;
        if (map == null) {
          map = new ConcurrentHashMap<>(4);
          attributes = map;
        }
      }
    }
    map.put(key, key.type().cast(value));
  }

  /**
   * Runs the hook when the request is cancelled (its client left); at once if it already was.
   *
   * @param hook what to run, once
   */
  public void onCancel(Runnable hook) {
    synchronized (this) {
      if (!cancelled) {
        if (cancelHooks == null) {
          cancelHooks = new ArrayList<>(2);
        }
        cancelHooks.add(hook);
        return;
      }
    }
    hook.run();
  }

  /** Cancels the request: runs the hooks, once. */
  public void cancel() {
    List<Runnable> hooks;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      hooks = cancelHooks;
      cancelHooks = null;
    }
    if (hooks != null) {
      hooks.forEach(Runnable::run);
    }
  }
}
