/**
 * What a server adapter needs besides its server, for whoever writes one: the Undertow adapter
 * ({@code gateway-undertow-adapter}) and the servlet adapter ({@code gateway-servlet-adapter}) are
 * built on these, and a Netty or Vert.x adapter should be too, keeping only its server's glue.
 * Everything here is {@link io.gatehouse.Unstable}: it may change in a minor release while more
 * adapters are written. Users of an existing adapter need none of it, except
 * {@link io.gatehouse.adapter.SwappableGateway#drained} to close a swapped-out gateway safely.
 *
 * <p><b>An adapter's job</b> (see {@link io.gatehouse.Gateway#handle} for the gateway's side):
 * <ol>
 *   <li><b>Ingress framing.</b> Refuse what the server cannot frame exactly (ambiguous length,
 *       malformed chunks, an unsupported version) with
 *       {@link io.gatehouse.adapter.ProblemResponse#closing ProblemResponse.closing(400, ...)} and
 *       close the connection, before the gateway sees anything.
 *   <li><b>Stop gate and lease.</b> Per request, {@link io.gatehouse.adapter.GracefulStop#enter()}
 *       (a standalone server only; answer {@link io.gatehouse.adapter.GracefulStop#refusal} when it
 *       says no), then {@link io.gatehouse.adapter.SwappableGateway#acquire()}. Release the lease
 *       and {@link io.gatehouse.adapter.GracefulStop#exit() exit} the gate once the exchange has
 *       ended: response written (body included) or client gone.
 *   <li><b>Map the request</b> to an {@link io.gatehouse.http.Request}: the method; the path
 *       below the mount, still percent-encoded as the client sent it, and the
 *       {@link io.gatehouse.http.Request#mountPath() mount path}; the raw query; every header
 *       field; the peer's address; the scheme; the body as a
 *       {@code Flow.Publisher<ByteBuffer>} that honours demand.
 *   <li><b>Call</b> {@code lease.gateway().handle(request)} on any thread; it never blocks and
 *       never completes exceptionally (treat a failure, a null or an interim status as a bug:
 *       answer 502 with {@link io.gatehouse.adapter.ProblemResponse}). Write the code that maps,
 *       calls and writes against {@link io.gatehouse.http.RequestHandler}, which
 *       {@link io.gatehouse.Gateway} extends: the same code then serves the admin endpoints
 *       ({@code request -> admin.handle(request, executor)}), and its tests can pass a lambda
 *       instead of a whole gateway.
 *   <li><b>Write the response</b> with the server's own framing: drop the response's
 *       {@code Content-Length}, {@code Transfer-Encoding} and {@code Connection} fields, but close
 *       the connection after a response that carries {@code Connection: close}; no body for
 *       {@code HEAD}, 204 and 304; bounded demand on the body; if the client goes away, cancel the
 *       gateway's stage and the body's subscription. A body that fails before its first byte
 *       becomes a 502 problem; later, the connection is cut so the client sees a truncated
 *       response.
 *   <li><b>Own answers</b> are {@link io.gatehouse.adapter.ProblemResponse problem+json} with the
 *       request's {@link io.gatehouse.adapter.RequestId id}, like the gateway's.
 * </ol>
 *
 * <p><b>Starting points.</b>
 * <ul>
 *   <li>{@link io.gatehouse.adapter.SwappableGateway}: the gateway in use, {@code swap(next)}
 *       (state taken over, logged, listeners told), per-gateway counts of requests in flight and
 *       the {@code drained(previous)} signal;
 *   <li>{@link io.gatehouse.adapter.GracefulStop}: the draining gate of a graceful stop;
 *   <li>{@link io.gatehouse.adapter.AdminEndpoints}: the operators' endpoints, a
 *       {@link io.gatehouse.http.RequestHandler} once given an executor off the adapter's I/O
 *       threads; the adapter only maps and writes;
 *   <li>{@link io.gatehouse.adapter.ProblemResponse} and {@link io.gatehouse.adapter.RequestId}:
 *       the one error format, and {@code Retry-After};
 *   <li>{@link io.gatehouse.adapter.GatewayCall}: one exchange's call of the gateway, its contract
 *       enforced, and an abort and an end that happen once;
 *   <li>{@link io.gatehouse.adapter.RequestBodyPublisher}: the request body as a publisher that
 *       reads only on demand, over the server's {@link io.gatehouse.adapter.RequestBodyPublisher.Input};
 *   <li>{@link io.gatehouse.adapter.BodyPace}: when a request body arrives too slowly (a pause
 *       past the idle timeout, or an average under the minimum rate), counting only the time spent
 *       waiting on the client; the adapter keeps the timer;
 *   <li>{@link io.gatehouse.adapter.ResponseBodyWriter}: the response body written with bounded
 *       demand to the server's {@link io.gatehouse.adapter.ResponseBodyWriter.Output}, and
 *       {@link io.gatehouse.adapter.ResponseFraming}, the framing rules of step 5.
 * </ul>
 *
 * <p><b>What stays in the adapter</b> is what differs by server: its threads (the executor these
 * classes run on: an I/O thread, or a serial executor over container threads), how its output and
 * input are taken, resumed and closed, how a response is cut, and the timeouts it lacks (both
 * adapters time slow request bodies out with {@link io.gatehouse.adapter.BodyPace}, as no server
 * counts only the time spent waiting on the client; the Undertow adapter also times slow readers
 * of a response out, which a servlet container's own timeouts cover).
 *
 * <pre>{@code
 * SwappableGateway gateways = SwappableGateway.of(gateway);
 * GracefulStop gate = GracefulStop.create();
 *
 * void onRequest(ServerExchange ex) {                  // the server's callback, any thread
 *   if (!gate.enter()) {
 *     write(ex, gate.refusal(RequestId.of(headersOf(ex))));
 *     return;
 *   }
 *   SwappableGateway.Lease lease = gateways.acquire();
 *   ex.onEnd(() -> { lease.release(); gate.exit(); });
 *   lease.gateway().handle(toRequest(ex)).whenComplete((response, failure) -> write(ex, response));
 * }
 * }</pre>
 *
 * <p>An adapter's code imports {@code io.gatehouse}, {@code io.gatehouse.http} and this package,
 * never gateway-impl's packages: a build test fails if any module but gateway-impl names them. What
 * needs JSON (the admin documents) is rendered by {@code gateway-impl} behind
 * {@link io.gatehouse.spi.AdapterServices}, found with {@link java.util.ServiceLoader}.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.adapter;
