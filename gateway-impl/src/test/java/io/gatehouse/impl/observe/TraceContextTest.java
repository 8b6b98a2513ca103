package io.gatehouse.impl.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.HttpHeaders;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** New trace and parent ids: W3C's lower-case hex, the right length, random in every digit. */
class TraceContextTest {

  @Test
  void a_new_trace_id_is_32_random_hex_digits() {
    List<String> ids = IntStream.range(0, 2000).mapToObj(i -> TraceContext.of(HttpHeaders.of()).traceId()).toList();
    assertThat(ids).allMatch(id -> id.matches("[0-9a-f]{32}") && !id.equals("0".repeat(32)));
    assertThat(new HashSet<>(ids)).hasSize(ids.size());
    for (int position : new int[] {0, 15, 16, 31}) {
      Set<Character> digits = new HashSet<>();
      ids.forEach(id -> digits.add(id.charAt(position)));
      assertThat(digits).as("digits seen at %d", position).hasSize(16);
    }
  }

  @Test
  void each_hop_gets_a_new_16_digit_parent_in_the_same_trace() {
    TraceContext trace = TraceContext.of(HttpHeaders.of());
    List<String> hops = IntStream.range(0, 2000).mapToObj(i -> trace.nextHop()).toList();
    assertThat(hops).allMatch(h -> h.matches("00-" + trace.traceId() + "-[0-9a-f]{16}-01"));
    assertThat(new HashSet<>(hops)).hasSize(hops.size());
    for (int position : new int[] {36, 51}) {
      Set<Character> digits = new HashSet<>();
      hops.forEach(h -> digits.add(h.charAt(position)));
      assertThat(digits).as("digits seen at %d", position).hasSize(16);
    }
  }
}
