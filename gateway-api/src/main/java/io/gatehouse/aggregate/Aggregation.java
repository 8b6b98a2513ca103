package io.gatehouse.aggregate;

import io.gatehouse.internal.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an aggregating route calls and how it answers: steps of {@link Backend}s, run one after
 * another, the backends of a step in parallel; then one JSON response made by the
 * {@link Merger} ({@link Merger#byKey()} unless set). A step's backends may
 * {@linkplain Backend#bind bind} variables to values in an earlier step's answers (a JSON Pointer
 * into the answer), which is what {@link #then} is for.
 *
 * <p>The route's {@code timeout} bounds the whole aggregation; each backend's own timeout bounds
 * its call within it. A required backend that fails ends the request at once (the calls still
 * running are cancelled); when the client goes away, every call in flight is cancelled. The
 * response is {@code 200 application/json} with {@code Gatehouse-Completed: true}, or
 * {@code false} with {@code Gatehouse-Missing} listing the keys of the optional backends that
 * failed. Backends are called with {@code GET}; the client's body is not sent.
 *
 * <pre>{@code
 * .route("profile", r -> r.path("/profile/{id}").methods("GET").timeout(Duration.ofSeconds(2))
 *     .aggregate(Aggregation.of(
 *             Backend.of("user", users, "/users/{id}"),
 *             Backend.of("orders", orders, "/orders?user={id}").optional().timeout(Duration.ofMillis(300)))
 *         .then(Backend.of("company", companies, "/companies/{companyId}").bind("companyId", "user", "/companyId"))))
 * }</pre>
 *
 * <p>build() checks the templates, their variables, the JSON Pointers, that keys are unique, and
 * that a binding names a backend of an earlier step.
 *
 * @since 0.2
 */
public final class Aggregation {
  private final List<List<Backend>> steps;
  private final Merger merger;

  private Aggregation(List<List<Backend>> steps, Merger merger) {
    List<List<Backend>> copy = new ArrayList<>(steps.size());
    steps.forEach(step -> copy.add(List.copyOf(step)));
    this.steps = List.copyOf(copy);
    this.merger = Objects.requireNonNull(merger, "merger");
  }

  /**
   * An aggregation whose first step calls these backends in parallel.
   *
   * @param backends one or more
   * @return the aggregation
   */
  public static Aggregation of(Backend... backends) {
    return new Aggregation(List.of(step(backends)), Merger.byKey());
  }

  /**
   * Adds a step that starts once every backend of the steps before it has answered (or failed).
   *
   * @param backends one or more, called in parallel
   * @return a changed copy
   */
  public Aggregation then(Backend... backends) {
    List<List<Backend>> all = new ArrayList<>(steps);
    all.add(step(backends));
    return new Aggregation(all, merger);
  }

  /**
   * Sets how the answers become the response body.
   *
   * @param merger {@link Merger#byKey()}, {@link Merger#deepMerge()} or your own
   * @return a changed copy
   */
  public Aggregation merger(Merger merger) {
    return new Aggregation(steps, merger);
  }

  /**
   * The steps, in order; each step's backends in declaration order.
   *
   * @return the steps
   */
  public List<List<Backend>> steps() {
    return steps;
  }

  /**
   * Every backend, step after step.
   *
   * @return the backends
   */
  public List<Backend> backends() {
    List<Backend> all = new ArrayList<>();
    steps.forEach(all::addAll);
    return List.copyOf(all);
  }

  /**
   * How the answers become the response body.
   *
   * @return the merger
   */
  public Merger merger() {
    return merger;
  }

  /**
   * Whether another Aggregation has equal steps and the same merger.
   *
   * @param o the other object
   * @return true if equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Aggregation a && steps.equals(a.steps) && merger.equals(a.merger);
  }

  /**
   * A hash consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(steps, merger);
  }

  @Override
  public String toString() {
    return Text.fields(this, "steps", steps, "merger", merger);
  }

  private static List<Backend> step(Backend... backends) {
    if (backends.length == 0) {
      throw new IllegalArgumentException("aggregation step: no backends (expected: at least one)");
    }
    List<Backend> step = new ArrayList<>(backends.length);
    for (Backend b : backends) {
      step.add(Objects.requireNonNull(b, "backend"));
    }
    return step;
  }
}
