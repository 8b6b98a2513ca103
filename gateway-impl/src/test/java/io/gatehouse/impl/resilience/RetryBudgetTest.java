package io.gatehouse.impl.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.impl.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The retry budget: a share of the last ten seconds' requests plus a floor per second, on monotonic time. */
class RetryBudgetTest {
  private final MutableClock clock = new MutableClock();

  private static int spend(RetryBudget budget) {
    int granted = 0;
    while (budget.tryRetry()) {
      granted++;
      if (granted > 10_000) {
        throw new AssertionError("the budget never runs out");
      }
    }
    return granted;
  }

  @Test
  void the_floor_allows_min_per_second_times_ten_retries_over_ten_seconds() {
    RetryBudget budget = new RetryBudget(0, 2, clock);
    assertThat(spend(budget)).isEqualTo(20);
    clock.advance(Duration.ofSeconds(9));
    assertThat(budget.tryRetry()).as("the retries of 9 s ago still count").isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(spend(budget)).as("ten seconds on, they no longer count").isEqualTo(20);
  }

  @Test
  void requests_add_their_share() {
    RetryBudget budget = new RetryBudget(0.2, 0, clock);
    for (int i = 0; i < 50; i++) {
      budget.onRequest();
    }
    assertThat(spend(budget)).isEqualTo(10);
    budget.onRequest();
    budget.onRequest();
    budget.onRequest();
    budget.onRequest();
    budget.onRequest();
    assertThat(spend(budget)).isEqualTo(1);
  }

  @ParameterizedTest(name = "wall clock stepped {0} h")
  @ValueSource(ints = {-1, 1, 24})
  void a_step_of_the_wall_clock_neither_refills_nor_empties_it(int hours) {
    RetryBudget budget = new RetryBudget(0, 1, clock);
    assertThat(spend(budget)).isEqualTo(10);
    clock.set(clock.instant().plus(Duration.ofHours(hours)));
    assertThat(budget.tryRetry()).as("no fresh budget after the step").isFalse();
    clock.advance(Duration.ofSeconds(10));
    assertThat(spend(budget)).as("and not locked out either").isEqualTo(10);
  }
}
