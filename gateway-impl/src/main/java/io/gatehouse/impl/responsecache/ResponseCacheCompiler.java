package io.gatehouse.impl.responsecache;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.TimeSource;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.cache.ResponseCacheStore;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.route.RouteSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the routes' response caches and builds one store per cache name. A route that answers by
 * itself has nothing to cache; an entry cap above the cache's size could never be stored; routes
 * sharing a name must agree on what they share (size and store).
 */
public final class ResponseCacheCompiler implements FeatureCompiler<ResponseCacheCompiler.Inputs, ResponseCacheCompiler.Caches> {
  /** The one instance: compiling keeps no state. */
  public static final ResponseCacheCompiler INSTANCE = new ResponseCacheCompiler();

  /** The largest entry cap: a body is held in one array. */
  static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 8;

  private ResponseCacheCompiler() {}

  /**
   * What building needs.
   *
   * @param scheduler the gateway's timer, for bounded waits of coalesced requests
   */
  public record Inputs(TimeSource.Scheduler scheduler) {}

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    Map<String, RouteSpec> first = new HashMap<>();
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      if (route.cache().isEmpty()) {
        continue;
      }
      ResponseCache cache = route.cache().get();
      if (route.destination().staticResponse().isPresent()) {
        violations.add(ConfigViolation.ofRoute(route.id(), "cache",
            "'" + cache.name() + "' on a route with a static response (expected: a route with an upstream)"));
      }
      if (route.destination().aggregation().isPresent()) {
        // A partial aggregate (an optional backend failed) must not be stored and served as whole.
        violations.add(ConfigViolation.ofRoute(route.id(), "cache",
            "'" + cache.name() + "' on an aggregating route (expected: a route with an upstream; cache the backends' own routes)"));
      }
      if (cache.maxEntryBytes() > MAX_ENTRY_BYTES) {
        violations.add(ConfigViolation.ofRoute(route.id(), "cache.maxEntryBytes",
            cache.maxEntryBytes() + " (expected: <= " + MAX_ENTRY_BYTES + ")"));
      } else if (cache.store().isEmpty() && cache.maxEntryBytes() > cache.maxBytes()) {
        violations.add(ConfigViolation.ofRoute(route.id(), "cache.maxEntryBytes",
            cache.maxEntryBytes() + " (expected: <= maxBytes " + cache.maxBytes() + ")"));
      }
      RouteSpec earlier = first.putIfAbsent(cache.name(), route);
      if (earlier != null) {
        ResponseCache declared = earlier.cache().get();
        if (declared.maxBytes() != cache.maxBytes()) {
          violations.add(ConfigViolation.ofRoute(route.id(), "cache.maxBytes", cache.maxBytes() + " for cache '"
              + cache.name() + "' (expected: " + declared.maxBytes() + ", as route '" + earlier.id() + "' has it)"));
        }
        if (!declared.store().equals(cache.store())) {
          violations.add(ConfigViolation.ofRoute(route.id(), "cache.store", describe(cache.store()) + " for cache '"
              + cache.name() + "' (expected: " + describe(declared.store()) + ", as route '" + earlier.id() + "' has it)"));
        }
      }
    }
  }

  private static String describe(Optional<ResponseCacheStore> store) {
    return store.map(s -> s.getClass().getName()).orElse("the built-in store");
  }

  @Override
  public Caches build(GatewaySpec spec, Inputs inputs) {
    Map<String, SharedCache> shared = new LinkedHashMap<>();
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      route.cache().ifPresent(cache -> shared.computeIfAbsent(cache.name(), name -> new SharedCache(name,
          cache.store().orElseGet(() -> new InMemoryStore(spec.time(), cache.maxBytes())), inputs.scheduler())));
    }
    return new Caches(Map.copyOf(shared));
  }

  /** The gateway's caches, by name. */
  public static final class Caches {
    private final Map<String, SharedCache> byName;

    Caches(Map<String, SharedCache> byName) {
      this.byName = byName;
    }

    /**
     * The route's cache stage.
     *
     * @param route the route
     * @return the stage; empty when the route caches nothing
     */
    public Optional<io.gatehouse.impl.chain.Stage> stage(RouteSpec route) {
      return route.cache().map(cache -> new CacheStage(route.id(), cache, byName.get(cache.name())));
    }

    /** {@return the names of the caches} */
    public java.util.Set<String> names() {
      return byName.keySet();
    }

    /**
     * A cache's store.
     *
     * @param name the cache's name
     * @return the store; empty when no route names it
     */
    public Optional<ResponseCacheStore> store(String name) {
      return Optional.ofNullable(byName.get(name)).map(c -> c.store);
    }

    /**
     * A cache's purge operations.
     *
     * @param name the cache's name
     * @return the operations; empty when no route names it
     */
    public Optional<io.gatehouse.cache.ResponseCachePurge> purge(String name) {
      return Optional.ofNullable(byName.get(name)).map(c -> new StorePurge(c.store));
    }
  }
}
