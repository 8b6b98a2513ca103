package io.gatehouse.impl.chain;

import io.gatehouse.TimeSource;
import io.gatehouse.filter.AttributeKey;
import io.gatehouse.observe.RequestSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What stays with one request through every derived {@link ExchangeImpl}: ids, attributes, cancellation. */
public final class ExchangeContext {
  final String requestId;
  public final String routeId;
  final Map<String, String> pathVariables;
  public final TimeSource time;
  /** The request's span: every upstream attempt is its child. */
  public final RequestSpan trace;
  /** The target the last upstream attempt went to, for the request's record. */
  public volatile String upstreamTarget;
  /** The time upstream attempts took until their response heads; attempts run one after another. */
  public volatile long upstreamNanos;
  /** Upstream calls sent so far; written by one attempt at a time. */
  public volatile int upstreamAttempts;
  /** Created on first write: most requests never set an attribute. */
  private volatile Map<AttributeKey<?>, Object> attributes;
  private List<Runnable> cancelHooks;
  private boolean cancelled;

  public ExchangeContext(String requestId, String routeId, Map<String, String> pathVariables, TimeSource time, RequestSpan trace) {
    this.requestId = requestId;
    this.routeId = routeId;
    this.pathVariables = pathVariables;
    this.time = time;
    this.trace = trace;
  }

  public <T> T attribute(AttributeKey<T> key) {
    Map<AttributeKey<?>, Object> map = attributes;
    return map == null ? null : key.type().cast(map.get(key));
  }

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

  /** Runs the hook when the exchange is cancelled; at once if it already was. */
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
