package io.gatehouse.impl.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.route.RequestCondition;
import io.gatehouse.route.RequestPredicate;
import io.gatehouse.route.RouteDestination;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.route.RouteResilience;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TargetStatus;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamStatus;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Renders what the admin endpoints show, from the gateway's public view only ({@code spec()},
 * {@code chains()}, {@code upstreams()}, {@code usage()}), as UTF-8 JSON.
 *
 * <pre>{@code
 * byte[] routes = AdminDocuments.routes(gateway);
 * AdminDocuments.Readiness ready = AdminDocuments.readiness(gateway);   // ready.ready(), ready.json()
 * }</pre>
 *
 * <p>Documents are indented. Durations are ISO-8601 strings ({@code PT2S}) and instants ISO-8601 UTC strings, without
 * Jackson's JSR-310 module, which the gateway does not depend on. Credentials never appear: auth
 * is rendered by its {@code toString()}, which names the kind and where the credential is read,
 * never a key, password or secret.
 */
public final class AdminDocuments {
  // Indented: these documents are read by people at a terminal far more often than by programs.
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new SimpleModule("gatehouse-admin").addSerializer(Instant.class, ToStringSerializer.instance))
      .enable(SerializationFeature.INDENT_OUTPUT);

  private AdminDocuments() {}

  /**
   * {@code {"status":"UP","version":..}}: the process answers, with the configuration it serves.
   */
  public static byte[] health(Gateway gateway) {
    ObjectNode doc = JSON.createObjectNode().put("status", "UP").put("version", gateway.version());
    return bytes(doc);
  }

  /**
   * Whether every upstream group has a target that may take a request, and the groups.
   *
   * @return the verdict and its document: {@code {"status":"READY"|"NOT_READY","upstreams":[...]}}
   */
  public static Readiness readiness(Gateway gateway) {
    List<UpstreamStatus> groups = gateway.upstreams();
    boolean ready = groups.stream().allMatch(g -> g.available() > 0);
    ObjectNode doc = JSON.createObjectNode().put("status", ready ? "READY" : "NOT_READY");
    doc.set("upstreams", upstreamArray(groups));
    return new Readiness(ready, bytes(doc));
  }

  /**
   * The state of every upstream group: {@code [{"name":..,"available":n,"targets":[{"url":..,
   * "weight":..,"health":..,"circuit":..,"inFlight":..,"available":..}]}]}.
   */
  public static byte[] upstreams(Gateway gateway) {
    return bytes(upstreamArray(gateway.upstreams()));
  }

  /**
   * The compiled route table, in declaration order: per route its id, what it matches on, auth,
   * CORS policy, access rules, rate limits, where it sends requests (upstream, split, mirror, fallback) or
   * what it answers, timeouts, retry, circuit breaker and the chain of stages in order.
   *
   * @return the document, an array
   */
  public static byte[] routes(Gateway gateway) {
    GatewaySpec spec = gateway.spec();
    var chains = gateway.chains();
    ArrayNode routes = JSON.createArrayNode();
    for (RouteSpec r : spec.routes()) {
      ObjectNode route = routes.addObject();
      route.put("id", r.id());
      RouteMatch match = r.match();
      strings(route.putArray("paths"), match.paths());
      strings(route.putArray("methods"), new TreeSet<>(match.methods()));
      strings(route.putArray("hosts"), match.hosts());
      ArrayNode conditions = route.putArray("conditions");
      for (RequestCondition c : match.conditions()) {
        conditions.add(condition(c));
      }
      ArrayNode predicates = route.putArray("predicates");
      for (RequestPredicate p : match.predicates()) {
        predicates.add(p.description());
      }
      route.put("auth", r.access().auth().orElse(spec.identity().auth()).toString());
      route.put("authInherited", r.access().auth().isEmpty());
      route.put("cors", r.access().cors().orElse(spec.cors()).toString());
      route.put("corsInherited", r.access().cors().isEmpty());
      ArrayNode access = route.putArray("access");
      r.access().rules().forEach(a -> access.add(a.toString()));
      ArrayNode limits = route.putArray("rateLimits");
      for (RateLimit limit : r.access().rateLimits()) {
        limits.add(limit.name());
      }
      RouteDestination destination = r.destination();
      // A route's own group is named after it, as upstreams() and the chain name it.
      destination.upstream().ifPresent(u -> route.set("upstream", upstream(u, u.name().or(() -> Optional.of("route:" + r.id())))));
      destination.split().ifPresent(s -> route.set("split", split(s)));
      destination.mirror().ifPresent(m -> {
        ObjectNode mirror = route.putObject("mirror");
        mirror.put("fraction", m.fraction());
        mirror.set("upstream", upstream(m.upstream()));
      });
      destination.staticResponse().ifPresent(s -> route.putObject("response").put("status", s.status()));
      if (destination.fallbackUpstream().isPresent() || destination.fallbackResponse().isPresent()) {
        ObjectNode fallback = route.putObject("fallback");
        destination.fallbackUpstream().ifPresent(u -> fallback.set("upstream", upstream(u)));
        destination.fallbackResponse().ifPresent(s -> fallback.put("status", s.status()));
      }
      RouteResilience resilience = r.resilience();
      ObjectNode timeouts = route.putObject("timeouts");
      duration(timeouts, "timeout", resilience.timeout());
      if (!r.upstreamsUsed().isEmpty()) {
        timeoutsOfCalls(timeouts, r, spec);
      }
      resilience.retry().ifPresentOrElse(retry -> {
        ObjectNode node = route.putObject("retry");
        node.put("maxRetries", retry.maxRetries());
        strings(node.putArray("on"), new TreeSet<>(retry.on().stream().map(Enum::name).toList()));
        ArrayNode statuses = node.putArray("statuses");
        new TreeSet<>(retry.statuses()).forEach(statuses::add);
      }, () -> route.putNull("retry"));
      route.put("circuitBreaker", resilience.circuitBreaker().isPresent());
      r.cache().ifPresent(c -> {
        ObjectNode cache = route.putObject("cache");
        cache.put("name", c.name());
        cache.put("store", c.store().map(store -> store.getClass().getName()).orElse("in-memory"));
        if (c.store().isEmpty()) {
          cache.put("maxBytes", c.maxBytes());
        }
        cache.put("maxEntryBytes", c.maxEntryBytes());
        duration(cache, "defaultTtl", c.defaultTtl());
        c.keyQueryParameters().ifPresentOrElse(names -> strings(cache.putArray("keyQueryParameters"), names),
            () -> cache.put("keyQueryParameters", "all"));
        strings(cache.putArray("keyHeaders"), c.keyHeaders());
        cache.put("keyByConsumer", c.isKeyedByConsumer());
        duration(cache, "coalescingWait", Optional.of(c.coalescingWait()));
      });
      strings(route.putArray("chain"), chains.getOrDefault(r.id(), List.of()));
    }
    return bytes(routes);
  }

  /**
   * The metered usage: {@code {"windows":[{"start":..,"end":..,"usage":[{"consumer":..,"route":..,
   * "requests":..,...}]}]}}, the {@link io.gatehouse.metering.UsageReport} records as they are.
   */
  public static byte[] usage(Gateway gateway) {
    try {
      return JSON.writeValueAsBytes(gateway.usage());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ArrayNode upstreamArray(List<UpstreamStatus> groups) {
    ArrayNode array = JSON.createArrayNode();
    for (UpstreamStatus group : groups) {
      ObjectNode node = array.addObject();
      node.put("name", group.name());
      node.put("available", group.available());
      ArrayNode targets = node.putArray("targets");
      for (TargetStatus t : group.targets()) {
        targets.addObject()
            .put("url", t.url())
            .put("weight", t.weight())
            .put("health", t.health().name())
            .put("circuit", t.circuit().name())
            .put("inFlight", t.inFlight())
            .put("available", t.available());
      }
    }
    return array;
  }

  /** {@code header X-Beta = true}: readable, unlike the record's own rendering. */
  private static String condition(RequestCondition c) {
    String subject = c.source().label() + " " + c.name();
    return switch (c.match()) {
      case PRESENT -> subject + " present";
      case EQUALS -> subject + " = " + c.value().orElseThrow();
      case REGEX -> subject + " ~ /" + c.value().orElseThrow() + "/";
    };
  }

  private static ObjectNode upstream(Upstream u) {
    return upstream(u, u.name());
  }

  private static ObjectNode upstream(Upstream u, Optional<String> name) {
    ObjectNode node = JSON.createObjectNode();
    name.ifPresent(n -> node.put("name", n));
    if (u.discovery().isPresent()) {
      node.put("discovery", u.discovery().get().toString());
    } else {
      ArrayNode targets = node.putArray("targets");
      for (Target t : u.targets()) {
        targets.add(t.weight() == 1 ? t.url() : t.url() + " (weight " + t.weight() + ")");
      }
    }
    node.put("balancing", u.balancing().name());
    u.hashKey().ifPresent(k -> node.put("hashKey", hashKey(k)));
    node.put("healthCheck", u.healthCheck().isPresent());
    node.put("outlierDetection", u.outlierDetection().isPresent());
    node.put("circuitBreaker", u.circuitBreaker().isPresent());
    return node;
  }

  private static ObjectNode split(TrafficSplit s) {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode rules = node.putArray("rules");
    for (TrafficSplit.Rule rule : s.rules()) {
      ObjectNode r = rules.addObject();
      r.put("when", hashKey(rule.key()) + " = " + rule.value());
      r.set("upstream", upstream(rule.upstream()));
    }
    ArrayNode branches = node.putArray("branches");
    for (TrafficSplit.Branch branch : s.branches()) {
      ObjectNode b = branches.addObject();
      b.put("weight", branch.weight());
      b.set("upstream", upstream(branch.upstream()));
    }
    s.stickyOn().ifPresent(k -> node.put("stickyOn", hashKey(k)));
    return node;
  }

  private static String hashKey(RequestKey k) {
    String source = k.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    return k.name().map(n -> source + " " + n).orElse(source);
  }

  /** What each upstream call gets: the route's own, else its upstream's, else the gateway's default. */
  private static void timeoutsOfCalls(ObjectNode timeouts, RouteSpec r, GatewaySpec spec) {
    Optional<Upstream> upstream = r.destination().upstream();
    duration(timeouts, "connectTimeout", r.resilience().connectTimeout().or(() -> upstream.flatMap(Upstream::connectTimeout))
        .or(() -> Optional.of(spec.upstreams().connectTimeout())));
    duration(timeouts, "responseTimeout", r.resilience().responseTimeout().or(() -> upstream.flatMap(Upstream::responseTimeout))
        .or(() -> Optional.of(spec.upstreams().responseTimeout())));
    duration(timeouts, "responseBodyIdleTimeout", r.resilience().responseBodyIdleTimeout()
        .or(() -> Optional.of(spec.upstreams().responseBodyIdleTimeout())));
  }

  private static void duration(ObjectNode node, String field, Optional<Duration> value) {
    if (value.isPresent()) {
      node.put(field, value.get().toString());
    } else {
      node.putNull(field);
    }
  }

  private static void strings(ArrayNode array, Iterable<String> values) {
    values.forEach(array::add);
  }

  private static byte[] bytes(Object doc) {
    try {
      return JSON.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The readiness verdict and its document.
   *
   * @param ready true when every upstream group has an available target (or there is none)
   * @param json the document
   */
  public record Readiness(boolean ready, byte[] json) {}
}
