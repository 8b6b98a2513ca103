package io.gatehouse.impl.chain;

import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A route's stages and terminal, immutable. Each call to {@code proceed} moves to a fresh step
 * at the next index, so the contract (at most one proceed, never null) is checked per filter and a
 * broken filter is named in the failure. The request's {@link RequestState} travels with the
 * steps, not with the exchange: a filter may pass on an exchange of its own making, and the stages
 * and the terminal after it still find the request's state.
 */
public final class FilterChain {
  private final Stage[] stages;
  private final String[] names;
  private final Terminal terminal;

  /**
   * A chain.
   *
   * @param stages the stages in order: global filters, built-in stages, route filters
   * @param names their names, for failures and explanations
   * @param terminal what answers at the end
   */
  public FilterChain(List<Stage> stages, List<String> names, Terminal terminal) {
    this.stages = stages.toArray(new Stage[0]);
    this.names = names.toArray(new String[0]);
    this.terminal = terminal;
  }

  /** The names of the filters and the terminal's steps, in the order they run. */
  public List<String> stages() {
    List<String> stages = new ArrayList<>(List.of(names));
    stages.addAll(terminal.stages());
    return stages;
  }

  /**
   * Runs the chain for one request.
   *
   * @param exchange the exchange the first stage sees
   * @param state the request's state
   * @return the response; fails with a {@link FilterFailure} when a stage broke the contract
   */
  public CompletionStage<Response> start(Exchange exchange, RequestState state) {
    return run(0, exchange, state);
  }

  private CompletionStage<Response> run(int index, Exchange exchange, RequestState state) {
    if (index == stages.length) {
      try {
        return terminal.handle(exchange, state);
      } catch (RuntimeException | Error e) {
        // Caught here, the failure names the terminal rather than the filter that called proceed().
        return CompletableFuture.failedFuture(
            new FilterFailure("the terminal (" + String.join(", ", terminal.stages()) + ") threw " + e, e));
      }
    }
    String name = names[index];
    CompletionStage<Response> stage;
    try {
      stage = stages[index].handle(exchange, state, new Step(index + 1, name, state));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(new FilterFailure(name + " threw " + e, e));
    }
    if (stage == null) {
      return CompletableFuture.failedFuture(
          new FilterFailure(name + " returned null (expected: a CompletionStage of a response)", null));
    }
    return stage.thenApply(response -> {
      if (response == null) {
        throw new FilterFailure(name + " completed with a null response (expected: a response)", null);
      }
      return response;
    });
  }

  private final class Step implements Chain {
    private final int next;
    private final String caller;
    private final RequestState state;
    private final AtomicBoolean proceeded = new AtomicBoolean();

    Step(int next, String caller, RequestState state) {
      this.next = next;
      this.caller = caller;
      this.state = state;
    }

    @Override
    public CompletionStage<Response> proceed(Exchange exchange) {
      if (exchange == null) {
        throw new NullPointerException(caller + " called proceed(null) (expected: an exchange)");
      }
      if (!proceeded.compareAndSet(false, true)) {
        throw new IllegalStateException(caller + " called proceed() twice (expected: at most once)");
      }
      return run(next, exchange, state);
    }
  }

  /** A filter broke the chain contract or failed; the gateway answers 500 and logs this. */
  static final class FilterFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FilterFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
