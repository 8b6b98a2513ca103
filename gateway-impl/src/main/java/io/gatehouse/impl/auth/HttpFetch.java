package io.gatehouse.impl.auth;

import io.gatehouse.TimeSource;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The gateway's own small HTTP calls (JWKS, introspection), through its upstream transport, so
 * they never block a caller and the test fixtures can stub them like any upstream.
 */
final class HttpFetch {
  /** A JWKS or an introspection answer is a few KiB; anything far larger is not one. */
  static final long MAX_BODY_BYTES = 1 << 20;

  private final UpstreamTransport transport;
  private final TimeSource.Scheduler scheduler;

  HttpFetch(UpstreamTransport transport, TimeSource.Scheduler scheduler) {
    this.transport = transport;
    this.scheduler = scheduler;
  }

  /** A status and a body read whole (under {@link #MAX_BODY_BYTES}). */
  record Fetched(int status, byte[] body) {}

  CompletionStage<Fetched> get(URI url, Duration timeout) {
    return send(url, timeout, () -> Request.builder("GET", target(url))
        .headers(HttpHeaders.of("Accept", "application/json"))
        .scheme(scheme(url))
        .build());
  }

  CompletionStage<Fetched> postForm(URI url, String form, HttpHeaders headers, Duration timeout) {
    byte[] body = form.getBytes(StandardCharsets.UTF_8);
    return send(url, timeout, () -> Request.builder("POST", target(url))
        .headers(headers.toBuilder()
            .set("Content-Type", "application/x-www-form-urlencoded")
            .set("Accept", "application/json")
            .set("Content-Length", Integer.toString(body.length))
            .build())
        .body(Body.of(body))
        .scheme(scheme(url))
        .build());
  }

  /** Never throws: whatever goes wrong, including building the request, fails the stage. */
  private CompletionStage<Fetched> send(URI url, Duration timeout, Supplier<Request> request) {
    CompletableFuture<Response> call;
    try {
      URI origin = URI.create(scheme(url) + "://" + url.getRawAuthority());
      call = transport.send(new UpstreamCall(origin, request.get(), timeout, timeout)).toCompletableFuture();
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Response> sent = call;
    // The transport bounds connect and the wait for headers; this bounds the body too, on the
    // gateway's time, and a call that runs out of time is cancelled, which aborts its connection.
    CompletableFuture<Fetched> read = sent.thenCompose(response -> response.body().bytes(MAX_BODY_BYTES)
            .thenApply(bytes -> new Fetched(response.status(), bytes)))
        .toCompletableFuture();
    TimeSource.Scheduled expiry = null;
    if (!read.isDone()) {
      try {
        expiry = scheduler.schedule(timeout, () -> read.completeExceptionally(
            new TimeoutException("no answer from " + url + " within " + timeout)));
      } catch (RejectedExecutionException closing) {
        read.completeExceptionally(closing); // the gateway is closing
      }
    }
    TimeSource.Scheduled timer = expiry;
    return read.whenComplete((fetched, failure) -> {
      if (timer != null) {
        timer.cancel();
      }
      if (failure != null) {
        sent.cancel(true);
      }
    });
  }

  /** Schemes are case-insensitive (RFC 3986 section 3.1); requests take them in lower case. */
  private static String scheme(URI url) {
    return url.getScheme().toLowerCase(Locale.ROOT);
  }

  private static String target(URI url) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
  }
}
