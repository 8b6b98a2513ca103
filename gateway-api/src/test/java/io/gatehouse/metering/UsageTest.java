package io.gatehouse.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UsageTest {

  @Test
  void none_is_the_identity_of_plus_and_sums_name_all_when_they_mix() {
    Usage orders = new Usage("acme", "orders", 3, 0, 2, 0, 1, 0, 300, 900);
    Usage users = new Usage("acme", "users", 1, 0, 0, 0, 0, 1, 10, 20);

    assertThat(Usage.none("acme", "orders")).isEqualTo(new Usage("acme", "orders", 0, 0, 0, 0, 0, 0, 0, 0));
    assertThat(Usage.none("acme", "orders").plus(orders)).isEqualTo(orders);
    assertThat(List.of(orders, users).stream().reduce(Usage.none("acme", Usage.ALL), Usage::plus))
        .isEqualTo(new Usage("acme", Usage.ALL, 4, 0, 2, 0, 1, 1, 310, 920));
  }
}
