package io.gatehouse.impl.pool;

import static io.gatehouse.impl.pool.TestTargets.count;
import static io.gatehouse.impl.pool.TestTargets.equal;
import static io.gatehouse.impl.pool.TestTargets.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsistentHashBalancerTest {
  // Keys from a seeded Random and a deterministic hash: these tests give the same counts each run.
  private static final List<String> KEYS = keys(50_000);

  @Test
  void the_same_key_always_goes_to_the_same_target() {
    Balancer ring = new ConsistentHashBalancer(equal(10));

    for (String key : KEYS.subList(0, 100)) {
      LiveTarget first = ring.pick(x -> true, key);
      assertThat(count(20, () -> ring.pick(x -> true, key))).containsOnlyKeys(first);
    }
  }

  @Test
  void keys_spread_evenly_across_targets() {
    List<LiveTarget> t = equal(10);

    Map<LiveTarget, Integer> counts = counts(assign(new ConsistentHashBalancer(t), x -> true));

    assertThat(counts).hasSize(10);
    counts.values().forEach(n -> assertThat((double) n).isCloseTo(KEYS.size() / 10.0, within(KEYS.size() / 10.0 * 0.25)));
  }

  @Test
  void keys_spread_by_weight() {
    List<LiveTarget> t = List.of(target("http://a:8080", 3), target("http://b:8080", 1));

    Map<LiveTarget, Integer> counts = counts(assign(new ConsistentHashBalancer(t), x -> true));

    assertThat((double) counts.get(t.get(0))).isCloseTo(KEYS.size() * 0.75, within(KEYS.size() * 0.75 * 0.1));
  }

  @Test
  void removing_a_target_remaps_only_its_own_keys() {
    List<LiveTarget> ten = equal(10);
    List<LiveTarget> nine = new ArrayList<>(ten);
    LiveTarget removed = nine.remove(4);

    List<LiveTarget> before = assign(new ConsistentHashBalancer(ten), x -> true);
    List<LiveTarget> after = assign(new ConsistentHashBalancer(List.copyOf(nine)), x -> true);

    int moved = 0;
    for (int i = 0; i < KEYS.size(); i++) {
      if (before.get(i) != after.get(i)) {
        moved++;
        assertThat(before.get(i)).isSameAs(removed);
      }
    }
    assertThat(moved).isEqualTo(counts(before).get(removed));
  }

  @Test
  void adding_an_eleventh_target_moves_about_one_key_in_eleven_and_only_to_it() {
    List<LiveTarget> ten = equal(10);
    List<LiveTarget> eleven = new ArrayList<>(ten);
    LiveTarget added = target("http://t10:8080", 1);
    eleven.add(0, added); // the position in the list does not matter, only the URL

    List<LiveTarget> before = assign(new ConsistentHashBalancer(ten), x -> true);
    List<LiveTarget> after = assign(new ConsistentHashBalancer(List.copyOf(eleven)), x -> true);

    int moved = 0;
    for (int i = 0; i < KEYS.size(); i++) {
      if (before.get(i) != after.get(i)) {
        moved++;
        assertThat(after.get(i)).isSameAs(added);
      }
    }
    assertThat((double) moved / KEYS.size()).isBetween(0.05, 0.15);
  }

  @Test
  void the_keys_of_an_unusable_target_go_to_others_and_no_other_key_moves() {
    List<LiveTarget> t = equal(10);
    Balancer ring = new ConsistentHashBalancer(t);
    LiveTarget down = t.get(7);

    List<LiveTarget> before = assign(ring, x -> true);
    List<LiveTarget> after = assign(ring, x -> x != down);

    for (int i = 0; i < KEYS.size(); i++) {
      if (before.get(i) != down) {
        assertThat(after.get(i)).isSameAs(before.get(i));
      }
    }
    Map<LiveTarget, Integer> orphans = new HashMap<>();
    for (int i = 0; i < KEYS.size(); i++) {
      if (before.get(i) == down) {
        orphans.merge(after.get(i), 1, Integer::sum);
      }
    }
    assertThat(orphans).doesNotContainKey(down);
    assertThat(orphans.size()).as("targets that took the unusable one's keys").isGreaterThan(5);
  }

  @Test
  void requests_without_a_key_spread_at_random() {
    List<LiveTarget> t = equal(10);
    Balancer ring = new ConsistentHashBalancer(t);

    Map<LiveTarget, Integer> counts = count(200_000, () -> ring.pick(x -> true, null));

    assertThat(counts).hasSize(10);
    counts.values().forEach(n -> assertThat((double) n).isCloseTo(20_000, within(20_000 * 0.05)));
  }

  @Test
  void a_large_group_still_gets_every_target_on_the_ring() {
    List<LiveTarget> t = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      t.add(target("http://t" + i + ":8080", i == 0 ? 10_000 : 1));
    }
    Balancer ring = new ConsistentHashBalancer(List.copyOf(t));

    for (LiveTarget only : t) {
      assertThat(ring.pick(x -> x == only, "any")).isSameAs(only);
    }
  }

  @Test
  void the_ring_does_not_depend_on_the_order_of_the_targets() {
    List<LiveTarget> t = equal(10);
    List<LiveTarget> reversed = new ArrayList<>(t);
    Collections.reverse(reversed);

    assertThat(assign(new ConsistentHashBalancer(List.copyOf(reversed)), x -> true))
        .isEqualTo(assign(new ConsistentHashBalancer(t), x -> true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "session-42", "café", "€uro", "emoji 😀", "lone \uD800 surrogate", "\uDC00"})
  void the_hash_is_fnv1a_over_utf8_with_fmix64(String s) {
    assertThat(KeyHash.of(s)).isEqualTo(fmix64(fnv1a(s.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void the_reference_fnv1a_matches_the_published_vector() {
    assertThat(fnv1a("a".getBytes(StandardCharsets.UTF_8))).isEqualTo(0xaf63dc4c8601ec8cL);
  }

  private static List<LiveTarget> assign(Balancer ring, Predicate<LiveTarget> usable) {
    List<LiveTarget> owners = new ArrayList<>();
    for (String key : KEYS) {
      owners.add(ring.pick(usable, key));
    }
    return owners;
  }

  private static Map<LiveTarget, Integer> counts(List<LiveTarget> owners) {
    Map<LiveTarget, Integer> counts = new HashMap<>();
    owners.forEach(o -> counts.merge(o, 1, Integer::sum));
    return counts;
  }

  private static List<String> keys(int n) {
    Random random = new Random(42);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add("session-" + Long.toHexString(random.nextLong()));
    }
    return List.copyOf(keys);
  }

  private static long fnv1a(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h = (h ^ (b & 0xFF)) * 0x100000001b3L;
    }
    return h;
  }

  private static long fmix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
