package io.gatehouse.impl;

import io.gatehouse.impl.problem.RequestIds;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.routing.InvalidPathException;
import io.gatehouse.route.HeaderOperation;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamTransport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the exchange to the route's upstream: transforms the path, cleans and completes the
 * headers (hop-by-hop removed, forwarding headers and request id set, route changes applied),
 * and maps transport failures to 502 and 504 problems.
 */
final class ProxyTerminal implements Terminal {
  private static final Logger log = LoggerFactory.getLogger(ProxyTerminal.class);

  private final String routeId;
  private final URI origin;
  private final String basePath;
  private final PathTransform pathTransform;
  private final List<HeaderOperation> requestHeaders;
  private final List<HeaderOperation> responseHeaders;
  private final ForwardedHeaders forwarded;
  private final UpstreamTransport transport;
  private final Duration connectTimeout;
  private final Duration responseTimeout;

  ProxyTerminal(String routeId, URI upstream, PathTransform pathTransform,
      List<HeaderOperation> requestHeaders, List<HeaderOperation> responseHeaders,
      ForwardedHeaders forwarded, UpstreamTransport transport,
      Duration connectTimeout, Duration responseTimeout) {
    this.routeId = routeId;
    this.origin = URI.create(upstream.getScheme() + "://" + upstream.getRawAuthority());
    String path = upstream.getRawPath() == null ? "" : upstream.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.pathTransform = pathTransform;
    this.requestHeaders = List.copyOf(requestHeaders);
    this.responseHeaders = List.copyOf(responseHeaders);
    this.forwarded = forwarded;
    this.transport = transport;
    this.connectTimeout = connectTimeout;
    this.responseTimeout = responseTimeout;
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange) {
    Request in = exchange.request();
    String path;
    try {
      path = pathTransform.apply(in.path(), exchange.pathVariables());
    } catch (InvalidPathException e) {
      return CompletableFuture.completedFuture(
          exchange.problem(400, "Bad Request", "the path is not valid after rewriting: " + e.reason()));
    }
    Request out = in.toBuilder().path(basePath + path).headers(upstreamHeaders(in, exchange.requestId())).build();

    CompletableFuture<Response> call;
    try {
      call = transport.send(new UpstreamCall(origin, out, connectTimeout, responseTimeout)).toCompletableFuture();
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Response> sent = call;
    ExchangeImpl.contextOf(exchange).onCancel(() -> sent.cancel(true));
    return call.handle((response, failure) -> failure == null
        ? HeaderChanges.apply(responseHeaders, stripHopByHop(response))
        : problemFor(exchange, failure));
  }

  private HttpHeaders upstreamHeaders(Request in, String requestId) {
    HttpHeaders.Builder headers = in.headers().toBuilder();
    HopByHop.strip(in.headers(), headers);
    headers.remove("Host").remove("Content-Length").remove("Expect");
    forwarded.apply(in, headers);
    headers.set(RequestIds.HEADER, requestId);
    requestHeaders.forEach(op -> op.applyTo(headers));
    return headers.build();
  }

  private static Response stripHopByHop(Response response) {
    if (!HopByHop.present(response.headers())) {
      return response;
    }
    HttpHeaders clean = HopByHop.strip(response.headers(), response.headers().toBuilder()).build();
    return response.toBuilder().headers(clean).build();
  }

  private Response problemFor(Exchange exchange, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof CancellationException) {
      // The client went away; nobody reads this answer, but the chain still needs one.
      return exchange.problem(502, "Bad Gateway", "the upstream call was cancelled");
    }
    if (cause instanceof UpstreamException upstream) {
      log.warn("route '{}' request {}: upstream {} failed: {} ({})",
          routeId, exchange.requestId(), origin, upstream.kind(), upstream.getMessage());
      return switch (upstream.kind()) {
        case CONNECT_TIMEOUT -> exchange.problem(504, "Gateway Timeout", "the upstream did not accept a connection in time");
        case RESPONSE_TIMEOUT -> exchange.problem(504, "Gateway Timeout", "the upstream did not answer in time");
        case CONNECT_REFUSED -> exchange.problem(502, "Bad Gateway", "the upstream could not be reached");
        case CONNECTION_RESET -> exchange.problem(502, "Bad Gateway", "the upstream closed the connection before answering");
        case PROTOCOL_ERROR -> exchange.problem(502, "Bad Gateway", "the upstream sent an invalid response");
        case REQUEST_BODY_FAILED -> exchange.problem(400, "Bad Request", "the request body could not be read");
      };
    }
    log.error("route '{}' request {}: upstream {} failed unexpectedly", routeId, exchange.requestId(), origin, cause);
    return exchange.problem(502, "Bad Gateway", "the upstream call failed");
  }
}
