package io.gatehouse.impl.transform;

import io.gatehouse.adapter.GatewayCall;
import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.transform.BodyTransform;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's body transformations, just before its response cache: the request's body on its way
 * upstream, and the response's (the upstream's, a stored one or an aggregate) on its way back.
 * Which bodies are transformed and what happens to the rest is in {@code JsonTransform}'s Javadoc;
 * the format's own part is a {@link BodyRewrite}.
 *
 * <p>The request body is rewritten only once it is whole, so the upstream call starts after the
 * body's last byte; a body past the cap is sent on as it came, or answered with 413. A response
 * body past the cap goes on untouched, or becomes 502: the response's head waits for the body.
 */
final class TransformStage implements Stage {
  private static final Logger log = LoggerFactory.getLogger(TransformStage.class);

  /** A transformation of one direction and its format's rewrite. */
  record Side(BodyTransform settings, BodyRewrite rewrite) {}

  private final String routeId;
  private final Optional<Side> request;
  private final Optional<Side> response;

  TransformStage(String routeId, Optional<Side> request, Optional<Side> response) {
    this.routeId = routeId;
    this.request = request;
    this.response = response;
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain next) {
    if (state.upgradeFields().isPresent()) {
      return next.proceed(exchange);
    }
    Exchange forward = exchange;
    if (response.isPresent()) {
      // Ask only for the codings this stage can read back; compression, if any, is the route's own.
      forward = exchange.withRequest(exchange.request().toBuilder()
          .headers(exchange.request().headers().toBuilder().set("Accept-Encoding", "gzip").build()).build());
    }
    Request in = forward.request();
    boolean head = in.method().equals("HEAD");
    if (request.isEmpty()) {
      return proceed(forward, state, next, head);
    }
    Exchange base = forward;
    return transformRequest(in, state, request.get()).thenCompose(outcome -> {
      if (outcome.response != null) {
        return CompletableFuture.completedFuture(outcome.response);
      }
      return proceed(outcome.request == in ? base : base.withRequest(outcome.request), state, next, head);
    });
  }

  private CompletionStage<Response> proceed(Exchange exchange, RequestState state, Chain next, boolean head) {
    CompletionStage<Response> answer = next.proceed(exchange);
    if (response.isEmpty() || head) {
      return answer;
    }
    Request sent = exchange.request();
    return answer.thenCompose(r -> transformResponse(r, state, response.get(), sent));
  }

  /** A transformed request, or the answer that replaces the upstream call. */
  private record Outcome(Request request, Response response) {}

  private CompletionStage<Outcome> transformRequest(Request in, RequestState state, Side side) {
    Body body = in.body();
    if (body.isEmpty()) {
      return CompletableFuture.completedFuture(new Outcome(in, null));
    }
    Optional<String> type = in.headers().first("Content-Type");
    if (!side.rewrite.accepts(type)) {
      log.debug("route '{}': request body of type {} passes untransformed (not the transformation's format)",
          routeId, type.orElse("(none)"));
      return CompletableFuture.completedFuture(new Outcome(in, null));
    }
    Optional<String> coding = Gunzip.coding(joined(in.headers(), "Content-Encoding"));
    if (coding.isPresent() && !coding.get().equals("gzip")) {
      GatewayCall.discard(body);
      return answer(state.problem(415, "Unsupported Media Type", "route '" + routeId
          + "' transforms request bodies and cannot read the content coding '" + coding.get()
          + "' (expected: gzip or none)"));
    }
    long cap = side.settings.maxBodyBytes();
    BoundedBody reader = BoundedBody.read(body, cap);
    state.onCancel(reader::discard);
    return reader.whole().handle((bytes, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        if (cause instanceof io.gatehouse.http.BodyTooLargeException) {
          return new Outcome(null, state.problem(413, "Content Too Large", "the request body is larger than route '"
              + routeId + "' accepts"));
        }
        log.debug("route '{}': the request body failed before it could be transformed", routeId, cause);
        return new Outcome(null, state.problem(400, "Bad Request", "the request body could not be read whole"));
      }
      if (bytes == null) {
        return oversizeRequest(in, state, side, reader.replay());
      }
      byte[] plain = bytes;
      if (coding.isPresent()) {
        try {
          plain = Gunzip.inflate(bytes, cap, side.settings.maxCompressionRatio());
        } catch (Gunzip.Stopped stopped) {
          if (stopped.why == Gunzip.Stop.CORRUPT) {
            return new Outcome(null, state.problem(400, "Bad Request", "the request body " + stopped.getMessage()));
          }
          if (stopped.why == Gunzip.Stop.TOO_LARGE && side.settings.oversize() == BodyTransform.Oversize.PASS_THROUGH) {
            log.debug("route '{}': request body {}; it passes untransformed", routeId, stopped.getMessage());
            return new Outcome(in.toBuilder().body(Body.of(bytes)).build(), null);
          }
          return new Outcome(null, state.problem(413, "Content Too Large", "the request body " + stopped.getMessage()
              + ", more than route '" + routeId + "' transforms"));
        }
      }
      try {
        byte[] changed = side.rewrite.rewrite(plain, context(in, state));
        HttpHeaders.Builder headers = in.headers().toBuilder().remove("Content-Encoding").remove("Transfer-Encoding")
            .set("Content-Length", Integer.toString(changed.length));
        side.rewrite.contentType().ifPresent(t -> headers.set("Content-Type", t));
        return new Outcome(in.toBuilder().headers(headers.build()).body(Body.of(changed)).build(), null);
      } catch (BadBodyException e) {
        if (e.getCause() != null) {
          log.warn("route '{}': the request body could not be transformed", routeId, e.getCause());
          return new Outcome(null, state.problem(500, "Internal Server Error",
              "route '" + routeId + "' could not transform the request body"));
        }
        return new Outcome(null, state.problem(400, "Bad Request", "the request body " + e.getMessage()));
      }
    });
  }

  private Outcome oversizeRequest(Request in, RequestState state, Side side, java.util.concurrent.Flow.Publisher<java.nio.ByteBuffer> replay) {
    if (side.settings.oversize() == BodyTransform.Oversize.PASS_THROUGH) {
      log.debug("route '{}': request body larger than {} bytes passes untransformed", routeId, side.settings.maxBodyBytes());
      return new Outcome(in.toBuilder().body(Body.ofPublisher(replay, in.body().contentLength().orElse(-1))).build(), null);
    }
    GatewayCall.discard(Body.ofPublisher(replay, -1));
    return new Outcome(null, state.problem(413, "Content Too Large", "the request body is larger than "
        + side.settings.maxBodyBytes() + " bytes, the most route '" + routeId + "' transforms"));
  }

  private CompletionStage<Response> transformResponse(Response r, RequestState state, Side side, Request sent) {
    int status = r.status();
    if (status < 200 || status == 204 || status == 206 || status == 304 || r.body().isEmpty()) {
      return CompletableFuture.completedFuture(r);
    }
    Optional<String> type = r.headers().first("Content-Type");
    if (!side.rewrite.accepts(type)) {
      log.debug("route '{}': response body of type {} passes untransformed (not the transformation's format)",
          routeId, type.orElse("(none)"));
      return CompletableFuture.completedFuture(r);
    }
    Optional<String> coding = Gunzip.coding(joined(r.headers(), "Content-Encoding"));
    if (coding.isPresent() && !coding.get().equals("gzip")) {
      GatewayCall.discard(r.body());
      return CompletableFuture.completedFuture(badGateway(state, "the upstream's response has the content coding '"
          + coding.get() + "', which route '" + routeId + "' cannot read to transform it"));
    }
    long cap = side.settings.maxBodyBytes();
    BoundedBody reader = BoundedBody.read(r.body(), cap);
    state.onCancel(reader::discard);
    return reader.whole().handle((bytes, failure) -> {
      if (failure != null) {
        log.debug("route '{}': the upstream's response body failed before it could be transformed", routeId, failure);
        return badGateway(state, "the upstream's response body failed before route '" + routeId + "' could transform it");
      }
      if (bytes == null) {
        if (side.settings.oversize() == BodyTransform.Oversize.PASS_THROUGH) {
          log.debug("route '{}': response body larger than {} bytes passes untransformed", routeId, cap);
          return r.toBuilder().body(Body.ofPublisher(reader.replay(), r.body().contentLength().orElse(-1))).build();
        }
        reader.discard();
        return badGateway(state, "the upstream's response body is larger than " + cap + " bytes, the most route '"
            + routeId + "' transforms");
      }
      byte[] plain = bytes;
      if (coding.isPresent()) {
        try {
          plain = Gunzip.inflate(bytes, cap, side.settings.maxCompressionRatio());
        } catch (Gunzip.Stopped stopped) {
          if (stopped.why == Gunzip.Stop.TOO_LARGE && side.settings.oversize() == BodyTransform.Oversize.PASS_THROUGH) {
            log.debug("route '{}': response body {}; it passes untransformed", routeId, stopped.getMessage());
            return r.toBuilder().body(Body.of(bytes)).build();
          }
          return badGateway(state, "the upstream's response body " + stopped.getMessage() + " (route '" + routeId + "')");
        }
      }
      try {
        byte[] changed = side.rewrite.rewrite(plain, context(sent, state));
        HttpHeaders.Builder headers = r.headers().toBuilder().remove("Content-Encoding").remove("Transfer-Encoding")
            .remove("ETag").remove("Content-MD5").remove("Digest").remove("Content-Digest").remove("Repr-Digest")
            .set("Content-Length", Integer.toString(changed.length));
        side.rewrite.contentType().ifPresent(t -> headers.set("Content-Type", t));
        return r.toBuilder().headers(headers.build()).body(Body.of(changed)).build();
      } catch (BadBodyException e) {
        if (e.getCause() != null) {
          log.warn("route '{}': the response body could not be transformed", routeId, e.getCause());
        } else {
          log.debug("route '{}': the upstream's response body {}", routeId, e.getMessage());
        }
        return badGateway(state, "the upstream's response body " + e.getMessage() + " (route '" + routeId + "')");
      }
    });
  }

  private static Response badGateway(RequestState state, String detail) {
    return state.problem(502, "Bad Gateway", detail);
  }

  private static CompletionStage<Outcome> answer(Response response) {
    return CompletableFuture.completedFuture(new Outcome(null, response));
  }

  private static BodyRewrite.Context context(Request in, RequestState state) {
    return new BodyRewrite.Context(state.pathVariables(), in.headers(), in.rawQuery(), state.principal());
  }

  private static Optional<String> joined(HttpHeaders headers, String name) {
    java.util.List<String> all = headers.all(name);
    return all.isEmpty() ? Optional.empty() : Optional.of(String.join(",", all));
  }

  @Override
  public String toString() {
    return "route '" + routeId + "' body transformation";
  }
}
