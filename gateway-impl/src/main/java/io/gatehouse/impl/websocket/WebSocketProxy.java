package io.gatehouse.impl.websocket;

import io.gatehouse.TimeSource;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.observe.Rejection;
import io.gatehouse.route.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's WebSocket proxying, used by its proxy terminal once the request has passed the
 * route's chain: checks the client's opening handshake, prepares the upgrade the upstream gets,
 * and checks the upstream's {@code 101} before the session starts.
 *
 * <pre>{@code
 * if (ws.offered(state)) {
 *   Optional<Response> refused = ws.refusal(request, state);
 *   WebSocketProxy.Opening opening = ws.open(template, state);   // send opening.upstreamRequest()
 *   Response toClient = opening.answer(received, decorated, status);
 * }
 * }</pre>
 */
public final class WebSocketProxy {
  private static final Logger log = LoggerFactory.getLogger(WebSocketProxy.class);

  private final String routeId;
  private final WebSocket settings;
  private final TimeSource time;
  private final TimeSource.Scheduler scheduler;

  /**
   * @param scheduler runs the sessions' idle timers
   */
  public WebSocketProxy(String routeId, WebSocket settings, TimeSource time, TimeSource.Scheduler scheduler) {
    this.routeId = Objects.requireNonNull(routeId, "routeId");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.time = Objects.requireNonNull(time, "time");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /**
   * Whether a request's {@code Upgrade} and {@code Connection} fields, as they arrived, ask for
   * WebSocket ({@code Upgrade: websocket}). The gateway keeps them on the request's state only then.
   */
  public static boolean asksForWebSocket(HttpHeaders upgradeFields) {
    return Handshake.asksForWebSocket(upgradeFields);
  }

  /** Whether the request, as it arrived, asked to upgrade to WebSocket ({@code Upgrade: websocket}). */
  public boolean offered(RequestState state) {
    return state.upgradeFields().isPresent();
  }

  /**
   * The answer to an offer that is not a valid opening handshake: 400, or 426 for a version
   * other than 13; empty when it is valid.
   */
  public Optional<Response> refusal(Request in, RequestState state) {
    Optional<Handshake.Refusal> refusal = Handshake.refusal(in, state.upgradeFields().orElse(HttpHeaders.of()));
    if (refusal.isEmpty()) {
      return Optional.empty();
    }
    state.reject(Rejection.BAD_REQUEST);
    Handshake.Refusal r = refusal.get();
    Response problem = state.problem(r.status(), r.status() == 426 ? "Upgrade Required" : "Bad Request",
        "route '" + routeId + "': not a valid WebSocket handshake: " + r.detail());
    if (r.status() == 426) {
      problem = problem.toBuilder().header("Upgrade", "websocket").header("Sec-WebSocket-Version", Handshake.VERSION).build();
    }
    return Optional.of(problem);
  }

  /**
   * Starts a session for a valid offer.
   *
   * @param template the request as the upstream is to get it (headers completed by the terminal)
   */
  public Opening open(Request template, RequestState state) {
    Flow.Publisher<ByteBuffer> fromClient = template.tunnel().orElseThrow();
    WebSocketSession session = new WebSocketSession("route '" + routeId + "' request " + state.requestId(), fromClient,
        settings.maxFrameSize(), settings.maxMessageSize(), settings.idleTimeout(), time, scheduler);
    HttpHeaders headers = template.headers().toBuilder()
        .remove("Sec-WebSocket-Extensions") // see WebSocket: sizes on the wire are real sizes
        .set("Upgrade", "websocket")
        .set("Connection", "Upgrade")
        .build();
    Request upstream = template.toBuilder().headers(headers).body(Body.empty()).tunnel(session.toUpstream()).build();
    return new Opening(upstream, session, template.headers().first("Sec-WebSocket-Key").orElseThrow().strip(),
        Handshake.protocols(template.headers()), state);
  }

  /** One offer on its way to the upstream. */
  public final class Opening {
    private final Request upstreamRequest;
    private final WebSocketSession session;
    private final String key;
    private final List<String> protocols;
    private final RequestState state;

    private Opening(Request upstreamRequest, WebSocketSession session, String key, List<String> protocols, RequestState state) {
      this.upstreamRequest = upstreamRequest;
      this.session = session;
      this.key = key;
      this.protocols = protocols;
      this.state = state;
    }

    /** The upgrade request the upstream gets, carrying the client's bytes after the switch. */
    public Request upstreamRequest() {
      return upstreamRequest;
    }

    /**
     * What the client gets for the upstream's answer: for a valid {@code 101}, the {@code 101} with
     * the session's bytes as its body; for a {@code 101} that does not answer the offer, 502; any
     * other answer as it is (and the session is dropped).
     *
     * @param received the upstream's response as received (its {@code Upgrade} field is checked)
     * @param answer the same with hop-by-hop fields removed and the route's changes applied
     * @param status its status, or 0 for a response the gateway made itself
     */
    public Response answer(Response received, Response answer, int status) {
      if (status != 101) {
        session.abandon();
        return answer;
      }
      Optional<String> problem = Handshake.upstreamProblem(received, key, protocols);
      if (problem.isEmpty() && answer.body().isEmpty()) {
        problem = Optional.of("101 without a connection to carry the session (expected: a transport that switches)");
      }
      if (problem.isPresent()) {
        session.abandon();
        discard(answer.body());
        log.debug("route '{}' request {}: the upstream's 101 does not answer the offer: {}", routeId,
            state.requestId(), problem.get());
        state.reject(Rejection.UPSTREAM_FAILED);
        return state.problem(502, "Bad Gateway",
            "route '" + routeId + "': the upstream's WebSocket handshake is not valid: " + problem.get());
      }
      Flow.Publisher<ByteBuffer> toClient = session.start(answer.body(), settings.maxFrameSize(), settings.maxMessageSize());
      HttpHeaders headers = answer.headers().toBuilder().set("Upgrade", "websocket").build();
      return Response.builder(101).headers(headers).body(Body.ofPublisher(toClient, -1)).build();
    }

    /** The upstream could not be asked (no answer at all): the session is dropped. */
    public void abandon() {
      session.abandon();
    }
  }

  /** Subscribes to a stream and cancels at once: its source learns it is not wanted. */
  public static void discard(Flow.Publisher<ByteBuffer> stream) {
    stream.subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.cancel();
      }

      @Override
      public void onNext(ByteBuffer item) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    });
  }

  @Override
  public String toString() {
    return "WebSocket (idle timeout " + settings.idleTimeout() + ", frames up to " + settings.maxFrameSize()
        + " bytes, messages up to " + settings.maxMessageSize() + " bytes)";
  }
}
