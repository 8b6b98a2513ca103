package io.gatehouse.http;

import java.util.concurrent.CompletionStage;

/**
 * Turns a request into its response, asynchronously: the one thing a server adapter needs from
 * whatever serves its requests. {@link io.gatehouse.Gateway} is one; so is the admin endpoints'
 * {@code request -> admin.handle(request, executor)}, and so is a lambda in an adapter's tests.
 *
 * <pre>{@code
 * RequestHandler hello = request -> CompletableFuture.completedFuture(
 *     Response.builder(200).header("Content-Type", "text/plain").body(Body.of("hello")).build());
 * }</pre>
 *
 * <p><b>Contract</b>, which adapters rely on: {@link #handle} returns at once without blocking;
 * the stage completes with a final response (status 200 to 599), never with null and never
 * exceptionally. An adapter treats a breach (a throw, a null, a failed stage, an interim status)
 * as a bug and answers 502 itself. Cancelling the stage's {@code toCompletableFuture()} tells the
 * handler that the client has gone.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RequestHandler {

  /**
   * Handles one request; returns at once.
   *
   * <p>{@code handler.handle(request).thenAccept(response -> write(exchange, response));}
   *
   * @param request the request as received, with the path relative to where the handler is mounted
   * @return the response; never null, never completes exceptionally
   */
  CompletionStage<Response> handle(Request request);
}
