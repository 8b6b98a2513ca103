package io.gatehouse.impl.pool;

import static io.gatehouse.impl.pool.TestTargets.count;
import static io.gatehouse.impl.pool.TestTargets.equal;
import static io.gatehouse.impl.pool.TestTargets.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {

  @Test
  void round_robin_with_equal_weights_rotates() {
    List<LiveTarget> t = equal(3);
    Balancer rr = new RoundRobinBalancer(t);

    assertThat(picks(rr, 7, x -> true)).containsExactly(t.get(0), t.get(1), t.get(2), t.get(0), t.get(1), t.get(2), t.get(0));
  }

  @Test
  void round_robin_skips_an_unusable_target_without_giving_its_turns_to_the_next() {
    List<LiveTarget> t = equal(3);
    Balancer rr = new RoundRobinBalancer(t);

    assertThat(picks(rr, 6, x -> x != t.get(1))).containsExactly(t.get(0), t.get(2), t.get(0), t.get(2), t.get(0), t.get(2));
  }

  @Test
  void round_robin_resumes_after_the_last_pick_when_a_target_comes_back() {
    List<LiveTarget> t = equal(4);
    Balancer rr = new RoundRobinBalancer(t);

    List<LiveTarget> picked = picks(rr, 2, x -> x != t.get(1) && x != t.get(2));
    picked.addAll(picks(rr, 4, x -> true));

    assertThat(picked).containsExactly(t.get(0), t.get(3), t.get(0), t.get(1), t.get(2), t.get(3));
  }

  @Test
  void round_robin_returns_null_when_no_target_is_usable() {
    assertThat(new RoundRobinBalancer(equal(3)).pick(x -> false, null)).isNull();
    assertThat(new RoundRobinBalancer(weighted(5, 1, 1)).pick(x -> false, null)).isNull();
    assertThat(new RoundRobinBalancer(List.of()).pick(x -> true, null)).isNull();
  }

  @Test
  void weighted_round_robin_interleaves_by_weight_as_nginx_does() {
    List<LiveTarget> t = weighted(5, 1, 1);
    LiveTarget a = t.get(0);
    LiveTarget b = t.get(1);
    LiveTarget c = t.get(2);
    Balancer rr = new RoundRobinBalancer(t);

    assertThat(picks(rr, 14, x -> true)).containsExactly(a, a, b, a, c, a, a, a, a, b, a, c, a, a);
  }

  @Test
  void weighted_round_robin_is_exactly_proportional() {
    List<LiveTarget> t = weighted(5, 1, 1);
    Balancer rr = new RoundRobinBalancer(t);

    Map<LiveTarget, Integer> counts = count(7000, () -> rr.pick(x -> true, null));

    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(t.get(0), 5000, t.get(1), 1000, t.get(2), 1000));
  }

  @Test
  void weighted_round_robin_shares_by_weight_among_the_usable_targets() {
    List<LiveTarget> t = weighted(5, 1, 1);
    Balancer rr = new RoundRobinBalancer(t);
    rr.pick(x -> true, null); // scores no longer all zero

    Map<LiveTarget, Integer> counts = count(6000, () -> rr.pick(x -> x != t.get(2), null));

    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(t.get(0), 5000, t.get(1), 1000));
  }

  @Test
  void round_robin_gives_each_target_its_exact_share_across_threads() throws InterruptedException {
    List<LiveTarget> plain = equal(4);
    assertThat(pickConcurrently(new RoundRobinBalancer(plain), 4, 10_000))
        .containsExactlyInAnyOrderEntriesOf(Map.of(plain.get(0), 10_000, plain.get(1), 10_000, plain.get(2), 10_000, plain.get(3), 10_000));

    List<LiveTarget> weighted = weighted(5, 1, 1);
    assertThat(pickConcurrently(new RoundRobinBalancer(weighted), 4, 7_000))
        .containsExactlyInAnyOrderEntriesOf(Map.of(weighted.get(0), 20_000, weighted.get(1), 4_000, weighted.get(2), 4_000));
  }

  private static List<LiveTarget> picks(Balancer balancer, int n, Predicate<LiveTarget> usable) {
    List<LiveTarget> picked = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      picked.add(balancer.pick(usable, null));
    }
    return picked;
  }

  private static Map<LiveTarget, Integer> pickConcurrently(Balancer balancer, int threads, int picksEach)
      throws InterruptedException {
    Map<LiveTarget, AtomicInteger> counts = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = IntStream.range(0, threads).mapToObj(i -> new Thread(() -> {
      try {
        start.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int p = 0; p < picksEach; p++) {
        counts.computeIfAbsent(balancer.pick(x -> true, null), k -> new AtomicInteger()).incrementAndGet();
      }
    })).toList();
    workers.forEach(Thread::start);
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    Map<LiveTarget, Integer> result = new HashMap<>();
    counts.forEach((k, v) -> result.put(k, v.get()));
    return result;
  }
}
