package io.gatehouse.impl.pool;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarryKey;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.resilience.Breaker;
import io.gatehouse.impl.upstream.HttpUrls;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TargetStatus;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamStatus;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream group at run time: its live targets (a snapshot, replaced whole when discovery
 * answers) and the balancer over them. {@link #lease} picks a target for a call and counts it in
 * flight. Thread-safe; never blocks. The pool of a gateway swapped in, for a group of the same name
 * and health settings, takes the targets' state over ({@link #takeOver}).
 */
public final class TargetPool implements CarriedState {
  private static final Logger log = LoggerFactory.getLogger(TargetPool.class);

  /** The {@code Retry-After} of a refusal whose end the pool cannot foresee (a cap, a target that is only full). */
  static final Duration UNKNOWN_WAIT = Duration.ofSeconds(1);

  private final String name;
  private final Upstream spec;
  private final TimeSource time;
  private final Observers observers;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Snapshot snapshot;
  private volatile boolean discovered;
  private Map<String, LiveTarget> inherited = Map.of(); // a predecessor's targets by URL, until discovery answers; guarded by this

  private record Snapshot(List<LiveTarget> targets, Balancer balancer) {}

  private TargetPool(String name, Upstream spec, TimeSource time, Observers observers) {
    this.name = name;
    this.spec = spec;
    this.time = time;
    this.observers = observers;
    this.snapshot = new Snapshot(List.of(), (usable, key) -> null);
    this.discovered = spec.discovery().isEmpty();
  }

  /**
   * A pool for an upstream; its static targets must have passed {@link HttpUrls#targetProblem}.
   *
   * @param name the group's name, for logs and status
   * @param spec the upstream
   * @param time the gateway's time source
   * @param observers told of health and circuit changes
   * @return the pool, with its static targets, or none until discovery answers
   */
  public static TargetPool of(String name, Upstream spec, TimeSource time, Observers observers) {
    TargetPool pool = new TargetPool(name, spec, time, observers);
    if (spec.discovery().isEmpty()) {
      pool.replace(spec.targets());
    }
    return pool;
  }

  public String name() {
    return name;
  }

  /** {@return the upstream this pool runs} */
  public Upstream spec() {
    return spec;
  }

  public List<LiveTarget> targets() {
    return snapshot.targets;
  }

  /**
   * Replaces the targets with what discovery found. Targets that stay keep their state (health,
   * circuit, requests in flight); invalid URLs are logged and skipped.
   *
   * @param found the targets found
   */
  public void update(List<Target> found) {
    List<Target> valid = new ArrayList<>();
    for (Target t : found) {
      Optional<String> problem = HttpUrls.targetProblem(t.url());
      if (problem.isPresent()) {
        log.warn("upstream '{}': discovered target '{}' {} {}; skipped", name, t.url(), problem.get(), HttpUrls.TARGET_EXPECTED);
      } else {
        valid.add(t);
      }
    }
    List<String> before = snapshot.targets.stream().map(t -> t.target().url() + "*" + t.weight()).toList();
    List<String> after = valid.stream().map(t -> t.url() + "*" + t.weight()).toList();
    if (!discovered || !before.equals(after)) {
      log.info("upstream '{}': targets {}", name, after);
      replace(valid);
    }
    discovered = true;
  }

  private synchronized void replace(List<Target> targets) {
    Map<Target, LiveTarget> kept = new HashMap<>();
    for (LiveTarget t : snapshot.targets) {
      kept.put(t.target(), t);
    }
    List<LiveTarget> live = new ArrayList<>();
    for (Target t : targets) {
      LiveTarget existing = kept.get(t);
      if (existing == null) {
        existing = new LiveTarget(t, URI.create(t.url()), time, spec.outlierDetection(),
            spec.circuitBreaker().map(cb -> new Breaker("upstream '" + name + "' target " + t.url(), cb, time, observers))
                .orElse(null), name, observers);
        LiveTarget predecessor = inherited.get(t.url());
        if (predecessor != null) {
          existing.takeOver(predecessor);
        }
      }
      live.add(existing);
    }
    inherited = Map.of(); // taken over where found; no longer needed
    List<LiveTarget> frozen = List.copyOf(live);
    snapshot = new Snapshot(frozen, Balancers.create(spec.balancing(), frozen));
  }

  @Override
  public CarryKey carryKey() {
    return new CarryKey("upstream", name, List.of(spec.healthCheck(), spec.outlierDetection(), spec.circuitBreaker()));
  }

  /**
   * Takes over the state (health, ejection, circuit) of every target the predecessor has too, by
   * URL; a group fed by discovery also takes it over for targets found later in the predecessor's
   * last answer.
   */
  @Override
  public synchronized void takeOver(CarriedState previous) {
    Map<String, LiveTarget> theirs = new HashMap<>();
    for (LiveTarget t : ((TargetPool) previous).snapshot.targets) {
      theirs.put(t.target().url(), t);
    }
    for (LiveTarget t : snapshot.targets) {
      LiveTarget predecessor = theirs.remove(t.target().url());
      if (predecessor != null) {
        t.takeOver(predecessor);
      }
    }
    inherited = discovered ? Map.of() : Map.copyOf(theirs);
  }

  /**
   * Takes a target for one call. Targets in {@code tried} are avoided while another may take the
   * call. The caller must {@link Lease#complete} a lease it gets.
   *
   * @param key the request's hash key, or null
   * @param tried targets earlier attempts of the same request used; may be empty
   * @return a lease, or why there is none
   */
  public Pick lease(String key, Set<LiveTarget> tried) {
    return lease(key, tried, Set.of());
  }

  /**
   * Takes a target for one call, never one in {@code excluded} (targets whose {@code Retry-After}
   * has not passed); targets in {@code tried} are avoided while another may take the call.
   *
   * @param key the request's hash key, or null
   * @param tried targets earlier attempts of the same request used; may be empty
   * @param excluded targets that must not be called now; may be empty
   * @return a lease, or why there is none
   */
  public Pick lease(String key, Set<LiveTarget> tried, Set<LiveTarget> excluded) {
    Snapshot now = snapshot;
    if (now.targets.isEmpty()) {
      return new Refusal(discovered
          ? "upstream '" + name + "' has no targets"
          : "upstream '" + name + "' has not discovered its targets yet",
          discovered ? UNKNOWN_WAIT : spec.refreshInterval());
    }
    if (spec.maxRequests().isPresent() && !enter(spec.maxRequests().getAsInt())) {
      return new Refusal("upstream '" + name + "' has " + spec.maxRequests().getAsInt() + " requests in flight (its cap)",
          UNKNOWN_WAIT);
    }
    if (spec.maxRequests().isEmpty()) {
      inFlight.incrementAndGet();
    }
    boolean ignoreHealth = spec.panicMode() && now.targets.stream().noneMatch(LiveTarget::healthy);
    if (ignoreHealth) {
      log.debug("upstream '{}': every target is unhealthy; panic mode sends traffic to all", name);
    }
    Set<LiveTarget> refused = null;
    for (int pass = 0; pass < 2; pass++) {
      boolean avoidTried = pass == 0 && !tried.isEmpty();
      if (pass == 1 && tried.isEmpty()) {
        break;
      }
      while (true) {
        Set<LiveTarget> skip = refused;
        Predicate<LiveTarget> usable = t -> (ignoreHealth || t.healthy())
            && (skip == null || !skip.contains(t))
            && (excluded.isEmpty() || !excluded.contains(t))
            && (!avoidTried || !tried.contains(t));
        LiveTarget target = now.balancer.pick(usable, key);
        if (target == null) {
          break;
        }
        if (spec.maxRequestsPerTarget().isPresent()) {
          if (!target.tryEnter(spec.maxRequestsPerTarget().getAsInt())) {
            if (spec.whenFull() == Upstream.WhenFull.FAIL_FAST) {
              leave();
              return new Refusal("upstream '" + name + "' target " + target + " has "
                  + spec.maxRequestsPerTarget().getAsInt() + " requests in flight (its cap)", UNKNOWN_WAIT);
            }
            refused = refused == null ? new HashSet<>() : refused;
            refused.add(target);
            continue;
          }
        } else {
          target.enter();
        }
        if (!target.tryAcquireCircuit()) {
          target.leave();
          refused = refused == null ? new HashSet<>() : refused;
          refused.add(target);
          continue;
        }
        return new Lease(this, target);
      }
    }
    leave();
    return new Refusal("upstream '" + name + "' has no available target (" + describe(now.targets) + ")",
        availableIn(now.targets, Set.of()));
  }

  /**
   * How long until one of the targets not in {@code besides} may take traffic: the soonest of
   * their ejection ends, half-open circuits and next health checks; {@link #UNKNOWN_WAIT} when
   * every one of them is only full. Zero when one may take a request now.
   */
  private Duration availableIn(List<LiveTarget> targets, Set<LiveTarget> besides) {
    Duration soonest = null;
    Optional<Duration> interval = spec.healthCheck().map(c -> c.interval());
    for (LiveTarget t : targets) {
      if (besides.contains(t)) {
        continue;
      }
      Duration wait = t.availableIn(interval);
      if (soonest == null || wait.compareTo(soonest) < 0) {
        soonest = wait;
      }
    }
    return soonest == null || soonest.isZero() ? UNKNOWN_WAIT : soonest;
  }

  /**
   * Whether a target other than those in {@code besides} could take a request now (healthy, or
   * panic mode; its circuit not open), so that a retry need not wait for one of those.
   *
   * @param besides targets the caller will not call now
   * @return true if another target is there
   */
  public boolean hasOtherTarget(Set<LiveTarget> besides) {
    List<LiveTarget> targets = snapshot.targets;
    boolean ignoreHealth = spec.panicMode() && targets.stream().noneMatch(LiveTarget::healthy);
    for (LiveTarget t : targets) {
      if (!besides.contains(t) && (ignoreHealth || t.healthy()) && t.status().circuit() != TargetStatus.Circuit.OPEN) {
        return true;
      }
    }
    return false;
  }

  private boolean enter(int cap) {
    while (true) {
      int current = inFlight.get();
      if (current >= cap) {
        return false;
      }
      if (inFlight.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  void leave() {
    inFlight.decrementAndGet();
  }

  private String describe(List<LiveTarget> targets) {
    StringBuilder text = new StringBuilder();
    for (LiveTarget t : targets) {
      if (text.length() > 0) {
        text.append(", ");
      }
      TargetStatus status = t.status();
      text.append(t.target().url()).append(' ').append(status.health().name().toLowerCase(Locale.ROOT));
      if (status.circuit() != TargetStatus.Circuit.NONE) {
        text.append(", circuit ").append(status.circuit().name().toLowerCase(Locale.ROOT));
      }
      if (spec.maxRequestsPerTarget().isPresent() && status.inFlight() >= spec.maxRequestsPerTarget().getAsInt()) {
        text.append(", full");
      }
    }
    return text.toString();
  }

  public UpstreamStatus status() {
    return new UpstreamStatus(name, snapshot.targets.stream().map(LiveTarget::status).toList());
  }

  @Override
  public String toString() {
    return "upstream '" + name + "'";
  }
}
