package io.gatehouse.opentelemetry;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestSpan;
import io.gatehouse.observe.Tracing;
import io.gatehouse.observe.UpstreamSpan;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The gateway's {@link Tracing} on the OpenTelemetry API: a {@link SpanKind#SERVER} span per
 * request, continuing the trace its headers carry, and a {@link SpanKind#CLIENT} span, its child,
 * per upstream attempt, whose context goes to the upstream in the attempt's headers. Headers are
 * read and written with the OpenTelemetry instance's {@linkplain
 * io.opentelemetry.context.propagation.ContextPropagators#getTextMapPropagator() propagator}.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .tracing(GatehouseTracing.of(openTelemetry))
 *     .route("orders", r -> r.path("/api/orders/{id}").upstream("http://orders:8080"))
 *     .build();
 * }</pre>
 *
 * <p>Spans follow the OpenTelemetry semantic conventions for HTTP. The server span is named
 * {@code GET /api/orders/{id}} (the method and the route's path pattern that matched; the method
 * alone when no route matched) and has {@code http.request.method}, {@code url.scheme},
 * {@code url.path}, {@code server.address}, {@code server.port}, {@code network.peer.address},
 * {@code network.peer.port}, {@code user_agent.original}, {@code http.route},
 * {@code http.response.status_code}, and {@code error.type} with an error status for 5xx; besides,
 * {@code gatehouse.route} (the route's id) and {@code gatehouse.rejection} (why the gateway answered
 * by itself, such as {@code rate_limited}). A client span is named by the method and has
 * {@code http.request.method}, {@code url.full}, {@code server.address}, {@code server.port},
 * {@code http.request.resend_count} on retries, {@code http.response.status_code}, and
 * {@code error.type} with an error status for 4xx, 5xx and failures (such as {@code timeout}).
 *
 * <p>The request records' {@code traceId} is the server span's trace id. With the OpenTelemetry
 * API alone (no SDK), spans are not recorded and the incoming context passes through; a request
 * without one then gets a random trace id for its record. Never blocks; every span ends exactly
 * once, also when the client goes away or an attempt is cancelled. Thread-safe.
 *
 * @since 0.1
 */
public final class GatehouseTracing implements Tracing {
  private static final String SCOPE = "io.gatehouse.opentelemetry";

  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
  private static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
  private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  private static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  private static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> ROUTE_ID = AttributeKey.stringKey("gatehouse.route");
  private static final AttributeKey<String> REJECTION = AttributeKey.stringKey("gatehouse.rejection");

  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY");

  private static final TextMapGetter<HttpHeaders> GETTER = new TextMapGetter<>() {
    @Override
    public String get(HttpHeaders carrier, String key) {
      return carrier == null ? null : carrier.first(key).orElse(null);
    }

    @Override
    public Iterator<String> getAll(HttpHeaders carrier, String key) {
      return carrier == null ? Collections.emptyIterator() : carrier.all(key).iterator();
    }
  };

  private static final TextMapSetter<BiConsumer<String, String>> SETTER = (carrier, key, value) -> {
    if (carrier != null) {
      carrier.accept(key, value);
    }
  };

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private GatehouseTracing(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  /**
   * Traces with this OpenTelemetry instance's tracer (scope {@code io.gatehouse.opentelemetry})
   * and text map propagator.
   *
   * <p>{@code Gateway.builder().tracing(GatehouseTracing.of(GlobalOpenTelemetry.get()))}
   *
   * @param openTelemetry the instance, such as an {@code OpenTelemetrySdk}
   * @return the tracing
   */
  public static GatehouseTracing of(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new GatehouseTracing(openTelemetry.getTracer(SCOPE), openTelemetry.getPropagators().getTextMapPropagator());
  }

  /**
   * Starts a request's server span, a child of the context its headers carry, if any.
   *
   * <p>{@code RequestSpan span = tracing.start(request);}
   *
   * @param request the request as received
   * @return the request's span
   */
  @Override
  public RequestSpan start(Request request) {
    // Root, not current: whatever the I/O thread carries is not this request's parent.
    Context parent = propagator.extract(Context.root(), request.headers(), GETTER);
    String method = knownMethod(request.method());
    SpanBuilder builder = tracer.spanBuilder(method == null ? "HTTP" : method)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(SCHEME, request.scheme())
        .setAttribute(PATH, request.path());
    method(builder, request.method(), method);
    request.headers().first("Host").ifPresent(host -> hostAndPort(builder, host));
    InetSocketAddress peer = request.remoteAddress();
    if (peer != null) {
      builder.setAttribute(PEER_ADDRESS, peer.getHostString()).setAttribute(PEER_PORT, (long) peer.getPort());
    }
    request.headers().first("User-Agent").ifPresent(agent -> builder.setAttribute(USER_AGENT, agent));
    Span span = builder.startSpan();
    return new ServerSpan(span, parent.with(span), method);
  }

  @Override
  public String toString() {
    return "GatehouseTracing[" + propagator + "]";
  }

  private static String knownMethod(String method) {
    return KNOWN_METHODS.contains(method) ? method : null;
  }

  private static void method(SpanBuilder builder, String method, String known) {
    if (known == null) {
      builder.setAttribute(METHOD, "_OTHER").setAttribute(METHOD_ORIGINAL, method);
    } else {
      builder.setAttribute(METHOD, known);
    }
  }

  /** Sets server.address and server.port from an authority: {@code host}, {@code host:port}, {@code [v6]:port}. */
  private static void hostAndPort(SpanBuilder builder, String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon > authority.lastIndexOf(']')) {
      builder.setAttribute(SERVER_ADDRESS, authority.substring(0, colon));
      try {
        builder.setAttribute(SERVER_PORT, Long.parseLong(authority.substring(colon + 1)));
      } catch (NumberFormatException e) {
        // not a port: no port attribute
      }
    } else if (!authority.isEmpty()) {
      builder.setAttribute(SERVER_ADDRESS, authority);
    }
  }

  private static String randomTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String id = String.format("%016x%016x", random.nextLong(), random.nextLong());
    return id.equals("00000000000000000000000000000000") ? "00000000000000000000000000000001" : id;
  }

  /** One request's server span. */
  private final class ServerSpan implements RequestSpan {
    private final Span span;
    private final Context context;
    private final String method; // null when not a known method
    private final String traceId;
    private final AtomicBoolean ended = new AtomicBoolean();

    ServerSpan(Span span, Context context, String method) {
      this.span = span;
      this.context = context;
      this.method = method;
      SpanContext spanContext = span.getSpanContext();
      this.traceId = spanContext.isValid() ? spanContext.getTraceId() : randomTraceId();
    }

    @Override
    public String traceId() {
      return traceId;
    }

    @Override
    public void routed(String routeId, String pathPattern) {
      span.setAttribute(ROUTE, pathPattern).setAttribute(ROUTE_ID, routeId);
      span.updateName((method == null ? "HTTP" : method) + " " + pathPattern);
    }

    @Override
    public UpstreamSpan upstream(String method, String url, int attempt) {
      String known = knownMethod(method);
      SpanBuilder builder = tracer.spanBuilder(known == null ? "HTTP" : known)
          .setParent(context)
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute(URL, url);
      method(builder, method, known);
      int start = url.indexOf("://");
      if (start > 0) {
        int end = start + 3;
        while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?') {
          end++;
        }
        hostAndPort(builder, url.substring(start + 3, end));
      }
      if (attempt > 1) {
        builder.setAttribute(RESEND_COUNT, attempt - 1L);
      }
      Span client = builder.startSpan();
      return new ClientSpan(client, context.with(client));
    }

    @Override
    public void inject(BiConsumer<String, String> header) {
      propagator.inject(context, header, SETTER);
    }

    @Override
    public void end(int status, Optional<Rejection> rejection) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      span.setAttribute(STATUS, (long) status);
      rejection.ifPresent(r -> span.setAttribute(REJECTION, r.name().toLowerCase(Locale.ROOT)));
      if (status >= 500) {
        span.setAttribute(ERROR_TYPE, Integer.toString(status));
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }

    @Override
    public String toString() {
      return "ServerSpan[" + span.getSpanContext() + "]";
    }
  }

  /** One upstream attempt's client span. */
  private final class ClientSpan implements UpstreamSpan {
    private final Span span;
    private final Context context;
    private final AtomicBoolean ended = new AtomicBoolean();

    ClientSpan(Span span, Context context) {
      this.span = span;
      this.context = context;
    }

    @Override
    public void inject(BiConsumer<String, String> header) {
      propagator.inject(context, header, SETTER);
    }

    @Override
    public void end(int status, Optional<String> failure) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      if (status > 0) {
        span.setAttribute(STATUS, (long) status);
      }
      String error = status >= 400 ? Integer.toString(status) : status > 0 ? null : failure.orElse("_OTHER");
      if (error != null) {
        span.setAttribute(ERROR_TYPE, error);
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }

    @Override
    public String toString() {
      return "ClientSpan[" + span.getSpanContext() + "]";
    }
  }
}
