package io.gatehouse.impl.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.TimeSource;
import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.auth.Principal;
import io.gatehouse.filter.Chain;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.ExchangeImpl;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.observe.TraceContext;
import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.observe.Rejection;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The auth stages of a gateway's routes, run in memory as the gateway runs them, with a manual
 * clock and a transport on which the upstream {@value #UPSTREAM} answers 200 and records what it
 * was sent, while the gateway's own calls (JWKS, introspection) get what each test scripts, or fail
 * to connect.
 *
 * <p>The stages are driven directly, not through {@code Gateway.handle}: the end-to-end tests in
 * src-test-fixtures cover the whole path, and these tests would otherwise cover the ingress checks
 * and the normalizer too, which makes PIT run all of them against every mutant of those classes.
 *
 * <p>The constructors of the auth classes that take the gateway's time source are called only here
 * ({@link #jwksSource}, {@link #passwordChecker}) and in {@link AuthRuntime}, so a change of time
 * type touches one test file.
 */
final class AuthHarness implements AutoCloseable {
  static final String UPSTREAM = "http://up:1";
  private static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = new MutableClock();
  final StubTransport transport = new StubTransport();
  private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

  /** The routes of a gateway on the harness's clock and transport; the config adds routes (or uses {@link #protect}). */
  Routes routes(UnaryOperator<Gateway.Builder> config) {
    GatewaySpec spec = config.apply(Gateway.builder().time(clock).transport(transport)).spec();
    List<ConfigViolation> violations = new ArrayList<>();
    AuthCompiler.INSTANCE.check(spec, violations);
    if (!violations.isEmpty()) {
      throw new AssertionError("invalid test configuration: " + violations);
    }
    Routes routes = new Routes(spec, transport);
    opened.add(routes);
    return routes;
  }

  /** One route, {@code /r/**}, behind the auth and rules, to the upstream; {@code /public/**} without auth. */
  static Gateway.Builder protect(Gateway.Builder b, Auth auth, AccessRule... rules) {
    return b.route("r", r -> {
      r.path("/r/**").auth(auth).upstream(UPSTREAM);
      for (AccessRule rule : rules) {
        r.require(rule);
      }
    }).route("public", r -> r.path("/public/**").auth(Auth.none()).upstream(UPSTREAM));
  }

  Routes protecting(Auth auth, AccessRule... rules) {
    return routes(b -> protect(b, auth, rules));
  }

  static Request.Builder get(String target) {
    return Request.builder("GET", target);
  }

  /**
   * The auth stage of each route of a spec, as {@link AuthRuntime} builds them; a request goes to
   * the first route with a path pattern {@code /prefix/**} that it falls under, and a stage that
   * proceeds sends it to the upstream.
   */
  static final class Routes implements AutoCloseable {
    private final GatewaySpec spec;
    private final AuthRuntime runtime;
    private final TimeSource.Scheduler scheduler;
    private final StubTransport transport;
    private final Map<String, Stage> stages = new LinkedHashMap<>();

    Routes(GatewaySpec spec, StubTransport transport) {
      this.spec = spec;
      this.transport = transport;
      this.scheduler = spec.time().newScheduler("auth-test-timer");
      this.runtime = AuthCompiler.INSTANCE.build(spec, new AuthCompiler.Inputs(transport, scheduler));
      for (RouteSpec route : spec.routes()) {
        stages.put(route.id(), runtime.stage(route));
      }
    }

    GatewaySpec spec() {
      return spec;
    }

    /** The authenticator built for a JWT auth of this gateway (the same value as configured). */
    JwtAuthenticator jwt(JwtAuth auth) {
      return (JwtAuthenticator) runtime.authenticators(auth).get(0);
    }

    CompletionStage<Response> handle(Request request) {
      return handle(request, state(request));
    }

    /** The state of one request, as the gateway makes it, already routed. */
    RequestState state(Request request) {
      RequestState state = new RequestState("test-request", spec.time(), TraceContext.W3C.start(request),
          () -> request.remoteAddress().getHostString());
      state.routed(route(request.path()), Map.of());
      return state;
    }

    CompletionStage<Response> handle(Request request, RequestState state) {
      Chain upstream = ex -> transport.send(new UpstreamCall(URI.create(UPSTREAM), ex.request(), Duration.ofSeconds(1),
          Duration.ofSeconds(1)));
      return stages.get(state.routeId().orElseThrow()).handle(new ExchangeImpl(request, state), state, upstream);
    }

    private String route(String path) {
      for (RouteSpec route : spec.routes()) {
        for (String pattern : route.match().paths()) {
          String prefix = pattern.substring(0, pattern.length() - "**".length());
          if (pattern.endsWith("/**") && (path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1)))) {
            return route.id();
          }
        }
      }
      throw new AssertionError("no route for " + path);
    }

    @Override
    public void close() {
      runtime.close();
      scheduler.close();
    }
  }

  /** Sends a request and waits for the answer, noting what reached the upstream. */
  Reply send(Routes routes, Request.Builder request) {
    Request built = request.build();
    RequestState state = routes.state(built);
    int before = transport.upstreamCalls().size();
    try {
      Response response = routes.handle(built, state).toCompletableFuture().get(10, TimeUnit.SECONDS);
      String body = new String(response.body().bytes(1 << 20).toCompletableFuture().get(10, TimeUnit.SECONDS),
          StandardCharsets.UTF_8);
      List<UpstreamCall> calls = transport.upstreamCalls();
      Request upstream = calls.size() > before ? calls.get(calls.size() - 1).request() : null;
      return new Reply(response.status(), response.headers(), body, upstream, state.rejection(),
          state.principal().map(Principal::id));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** What the client got, what the upstream saw, and what the gateway would record. */
  record Reply(int status, HttpHeaders headers, String body, Request upstream, Optional<Rejection> rejection,
      Optional<String> consumer) {
    List<String> challenges() {
      return headers.all("WWW-Authenticate");
    }

    String detail() {
      try {
        JsonNode problem = JSON.readTree(body);
        return problem.path("detail").asText(null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    boolean proxied() {
      return upstream != null;
    }

    /** A header the upstream received. */
    Optional<String> upstreamHeader(String name) {
      return upstream.headers().first(name);
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + body + (upstream == null ? "" : " upstream " + upstream);
    }
  }

  static JwksKeySource jwksSource(String url, JwtAuth auth, UpstreamTransport transport, TimeSource time) {
    return new JwksKeySource(URI.create(url), auth, new HttpFetch(transport, time.newScheduler("jwks-test-timer")), time);
  }

  static PasswordChecker passwordChecker(TimeSource time) {
    return new PasswordChecker(time);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  /**
   * The transport: {@value #UPSTREAM} answers 200 {@code ok}; a scripted URL (origin and path)
   * answers what its function says; anything else fails to connect.
   */
  static final class StubTransport implements UpstreamTransport {
    final List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Function<UpstreamCall, CompletionStage<Response>>> scripts = new ConcurrentHashMap<>();

    void on(String url, Function<UpstreamCall, CompletionStage<Response>> answer) {
      scripts.put(url, answer);
    }

    void answer(String url, int status, String json) {
      on(url, call -> CompletableFuture.completedFuture(json(status, json)));
    }

    static Response json(int status, String json) {
      return Response.builder(status).header("Content-Type", "application/json").body(Body.of(json)).build();
    }

    List<UpstreamCall> callsTo(String url) {
      return calls.stream().filter(c -> url(c).equals(url)).toList();
    }

    List<UpstreamCall> upstreamCalls() {
      return calls.stream().filter(c -> c.origin().toString().equals(UPSTREAM)).toList();
    }

    private static String url(UpstreamCall c) {
      return c.origin() + c.request().path();
    }

    @Override
    public CompletionStage<Response> send(UpstreamCall call) {
      calls.add(call);
      if (call.origin().toString().equals(UPSTREAM)) {
        return CompletableFuture.completedFuture(Response.builder(200).body(Body.of("ok")).build());
      }
      Function<UpstreamCall, CompletionStage<Response>> script = scripts.get(url(call));
      if (script == null) {
        return CompletableFuture.failedFuture(new ConnectException("no stub for " + url(call)));
      }
      return script.apply(call);
    }

    @Override
    public void close() {}
  }
}
