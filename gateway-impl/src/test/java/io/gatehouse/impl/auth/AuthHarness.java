package io.gatehouse.impl.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
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
 * Gateways in memory for the auth tests: a manual clock, and a transport on which the upstream
 * {@value #UPSTREAM} answers 200 and records what it was sent, while the gateway's own calls (JWKS,
 * introspection) get what each test scripts, or fail to connect.
 *
 * <p>The constructors of the auth classes that take the gateway's time source are called only here
 * ({@link #jwksSource}, {@link #passwordChecker}), so a change of time type touches one file.
 */
final class AuthHarness implements AutoCloseable {
  static final String UPSTREAM = "http://up:1";
  private static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = new MutableClock();
  final StubTransport transport = new StubTransport();
  final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** A gateway on the harness's clock and transport; the config adds routes (or uses {@link #protect}). */
  Gateway gateway(UnaryOperator<Gateway.Builder> config) {
    Gateway g = config.apply(Gateway.builder().clock(clock).transport(transport).observer(records::add).accessLog(false))
        .build();
    opened.add(g);
    return g;
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

  Gateway protecting(Auth auth, AccessRule... rules) {
    return gateway(b -> protect(b, auth, rules));
  }

  static Request.Builder get(String target) {
    return Request.builder("GET", target);
  }

  /** Sends a request and waits for the answer, noting what reached the upstream. */
  Reply send(Gateway gateway, Request.Builder request) {
    int before = transport.upstreamCalls().size();
    int recordsBefore = records.size();
    Response response;
    try {
      response = gateway.handle(request.build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      String body = new String(response.body().bytes(1 << 20).toCompletableFuture().get(10, TimeUnit.SECONDS),
          StandardCharsets.UTF_8);
      List<UpstreamCall> calls = transport.upstreamCalls();
      Request upstream = calls.size() > before ? calls.get(calls.size() - 1).request() : null;
      RequestRecord record = records.size() > recordsBefore ? records.get(records.size() - 1) : null;
      return new Reply(response.status(), response.headers(), body, upstream, record);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** What the client got, and what the upstream and the observer saw. */
  record Reply(int status, HttpHeaders headers, String body, Request upstream, RequestRecord record) {
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

    Optional<Rejection> rejection() {
      return record == null ? Optional.empty() : record.rejection();
    }

    Optional<String> consumer() {
      return record == null ? Optional.empty() : record.consumer();
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

  static JwksKeySource jwksSource(String url, io.gatehouse.auth.JwtAuth auth, UpstreamTransport transport, Clock clock) {
    return new JwksKeySource(URI.create(url), auth, new HttpFetch(transport), clock);
  }

  static PasswordChecker passwordChecker(Clock clock) {
    return new PasswordChecker(clock);
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
