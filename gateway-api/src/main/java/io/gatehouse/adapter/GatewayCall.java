package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.RequestHandler;
import io.gatehouse.http.Response;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * One exchange's call of the gateway, and the bookkeeping of its end: calls
 * {@link RequestHandler#handle} and holds its stage, enforces the handler's contract (a throw, a
 * null, an exceptional completion or an interim status is a bug, answered with a 502 problem;
 * {@code 101} is final for a request with a {@link Request#tunnel() tunnel}),
 * cancels the stage (and so the upstream call) when the exchange is aborted, and makes the
 * abort and the end happen once however many threads report them.
 *
 * <pre>{@code
 * GatewayCall call = GatewayCall.create(ioThread);            // per exchange
 * call.call(lease.gateway(), request, this::write,           // executor
 *     (status, detail) -> ProblemResponse.of(status, detail, requestId));
 * // the adapter's write(response), executor:
 * call.markResponding();
 * // the client went away, any thread:
 * if (call.abort()) { writer.cancel(); body.terminate(cause); closeConnection(); }
 * // the server says the exchange is over, any thread:
 * if (call.end()) { lease.release(); gate.exit(); }
 * }</pre>
 *
 * <p><b>Threads.</b> {@link #abort()}, {@link #end()}, {@link #cancelCall()} and the queries of
 * abort and end are thread-safe. {@link #call}, {@link #markResponding()} and
 * {@link #isResponding()} belong to the exchange's executor, which must run its tasks one at a
 * time, in order; the handler's outcome is written there.
 *
 * @since 0.1
 */
@Unstable
public final class GatewayCall {
  private static final String FAILED = "The gateway failed to produce a response.";

  private final Executor executor;
  private final AtomicBoolean aborted = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile CompletionStage<Response> stage;
  private boolean responding; // executor only

  private GatewayCall(Executor executor) {
    this.executor = executor;
  }

  /**
   * The bookkeeping of one exchange.
   *
   * <p>{@code GatewayCall call = GatewayCall.create(serial);}
   *
   * @param executor the exchange's executor: where the handler's outcome is handled
   * @return a call not made yet
   */
  public static GatewayCall create(Executor executor) {
    return new GatewayCall(Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Calls the handler, and once its stage completes, writes the outcome on the executor: the
   * response, if it has a final status (200 to 599); else, the handler having broken its contract
   * (logged), the adapter's own 502 problem. An outcome that arrives after an abort, or after the
   * adapter started answering on its own ({@link #markResponding()}), has its body discarded.
   * Executor; once.
   *
   * <p>{@code if (call.call(gateway, request, this::write, this::problem) && requestComplete) watch();}
   *
   * @param handler the gateway, or anything with its contract
   * @param request the mapped request
   * @param writer writes a response to the client (the gateway's, or a problem)
   * @param problems makes the adapter's own problem of a status and a detail, such as
   *     {@link ProblemResponse#of(int, String, String)} with the request's id
   * @return true if the call is under way; false if the handler failed at once (the problem has
   *     been written) or the exchange was aborted meanwhile (the stage has been cancelled)
   */
  public boolean call(RequestHandler handler, Request request, Consumer<Response> writer,
      BiFunction<Integer, String, Response> problems) {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(problems, "problems");
    Responder responder = new Responder(writer, problems);
    CompletionStage<Response> s;
    try {
      s = handler.handle(request);
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError vme) {
        throw vme;
      }
      Log.LOG.log(System.Logger.Level.ERROR, "Gateway.handle threw (it must return a stage); answering 502", e);
      responder.problem(502, FAILED);
      return false;
    }
    if (s == null) {
      Log.LOG.log(System.Logger.Level.ERROR, "Gateway.handle returned null (it must return a stage); answering 502");
      responder.problem(502, FAILED);
      return false;
    }
    stage = s;
    if (aborted.get()) {
      cancel(s);
      return false;
    }
    boolean switches = request.tunnel().isPresent();
    s.whenComplete((response, failure) -> executor.execute(() -> handled(response, failure, responder, switches)));
    return true;
  }

  /** {@code switches}: the request's connection can switch protocols, so 101 is a final answer. */
  private void handled(Response response, Throwable failure, Responder responder, boolean switches) {
    if (aborted.get() || responding) {
      if (response != null) {
        discard(response.body());
      }
      return;
    }
    if (failure != null) {
      Log.LOG.log(System.Logger.Level.ERROR, "Gateway.handle completed exceptionally (it must not); answering 502", failure);
      responder.problem(502, FAILED);
    } else if (response == null) {
      Log.LOG.log(System.Logger.Level.ERROR, "Gateway.handle completed with null (it must not); answering 502");
      responder.problem(502, FAILED);
    } else if (response.status() < 200 && !(response.status() == 101 && switches)) {
      Log.LOG.log(System.Logger.Level.ERROR, "Gateway.handle answered " + response.status()
          + " (expected: a final status, 200 to 599); answering 502");
      discard(response.body());
      responder.problem(502, "The gateway answered with an interim status.");
    } else {
      responder.respond(response);
    }
  }

  /**
   * Notes that the adapter has started answering (the gateway's response, or a problem of its
   * own): a later outcome of the handler is discarded. Executor.
   *
   * <p>{@code call.markResponding(); writer.start();}
   */
  public void markResponding() {
    responding = true;
  }

  /**
   * Whether the adapter has started answering. Executor.
   *
   * <p>{@code if (call.isResponding()) abort(cause); else answer400();}
   *
   * @return true after {@link #markResponding()}
   */
  public boolean isResponding() {
    return responding;
  }

  /**
   * Cancels the handler's stage, if it has one, without aborting: its answer no longer matters
   * (the adapter answers the client itself). Any thread.
   *
   * <p>{@code call.cancelCall(); write(problem(408));}
   */
  public void cancelCall() {
    CompletionStage<Response> s = stage;
    if (s != null) {
      cancel(s);
    }
  }

  /**
   * Aborts the exchange, the first time only: cancels the handler's stage (so the gateway stops
   * the upstream call), now or as soon as {@link #call} has it. The adapter then tears down the
   * rest (the response body's subscription, the request body's subscriber, the connection).
   * Any thread.
   *
   * <p>{@code if (!call.abort()) return; // aborted already}
   *
   * @return true the first time; false if aborted already
   */
  public boolean abort() {
    if (!aborted.compareAndSet(false, true)) {
      return false;
    }
    cancelCall();
    return true;
  }

  /**
   * Whether the exchange has been aborted. Any thread.
   *
   * <p>{@code if (call.isAborted()) return;}
   *
   * @return true after the first {@link #abort()}
   */
  public boolean isAborted() {
    return aborted.get();
  }

  /**
   * Whether the handler's stage has been taken and has not completed yet: an exchange that ends
   * now ends before its response. Any thread.
   *
   * <p>{@code if (!call.isAborted() && call.isWaiting()) abort(clientGone);}
   *
   * @return true while the gateway is still working on the response
   */
  public boolean isWaiting() {
    CompletionStage<Response> s = stage;
    if (s == null) {
      return false;
    }
    try {
      return !s.toCompletableFuture().isDone();
    } catch (UnsupportedOperationException e) {
      return true;
    }
  }

  /**
   * Marks the exchange as ended, the first time only: the adapter then releases what it holds per
   * exchange (the {@link SwappableGateway.Lease}, the {@link GracefulStop} gate). Any thread.
   *
   * <p>{@code if (call.end()) { lease.release(); gate.exit(); }}
   *
   * @return true the first time; false if it had ended already
   */
  public boolean end() {
    return ended.compareAndSet(false, true);
  }

  /**
   * Whether the exchange has ended. Any thread.
   *
   * <p>{@code if (call.isEnded()) return;}
   *
   * @return true after the first {@link #end()}
   */
  public boolean isEnded() {
    return ended.get();
  }

  private static void cancel(CompletionStage<?> s) {
    try {
      s.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException e) {
      Log.LOG.log(System.Logger.Level.DEBUG, "cannot cancel " + s + ": it has no CompletableFuture view");
    }
  }

  /**
   * Releases a body nobody will read: an unread streaming body is subscribed to and cancelled at
   * once, so that its publisher (an upstream connection, say) is freed. A body in memory needs
   * nothing. Any thread.
   *
   * <p>{@code GatewayCall.discard(response.body()); // a HEAD answer goes without it}
   *
   * @param body the body
   */
  public static void discard(Body body) {
    Objects.requireNonNull(body, "body");
    if (body.inMemory().isPresent()) {
      return;
    }
    try {
      body.subscribe(new Flow.Subscriber<ByteBuffer>() {
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
    } catch (RuntimeException e) {
      Log.LOG.log(System.Logger.Level.DEBUG, "discarding a response body failed", e);
    }
  }

  /** Where the outcome goes: the gateway's response, or the adapter's own problem. */
  private record Responder(Consumer<Response> writer, BiFunction<Integer, String, Response> problems) {
    void respond(Response response) {
      writer.accept(response);
    }

    void problem(int status, String detail) {
      writer.accept(problems.apply(status, detail));
    }
  }

  /** The logger, found at the first log line rather than per exchange. */
  private static final class Log {
    static final System.Logger LOG = Services.logger(Services.find(), GatewayCall.class);
  }
}
