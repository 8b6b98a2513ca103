package io.gatehouse.impl.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.HttpHeaders;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HopByHopTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
      "Proxy-Authorization", "Proxy-Authenticate", "proxy-connection"})
  void each_fixed_hop_by_hop_header_is_present_and_always_removed(String name) {
    HttpHeaders headers = HttpHeaders.of("Accept", "*/*", name, "x");

    assertThat(HopByHop.present(headers)).isTrue();
    assertThat(HopByHop.strip(headers, headers.toBuilder()).build()).isEqualTo(HttpHeaders.of("Accept", "*/*"));
  }

  @Test
  void end_to_end_headers_alone_are_not_hop_by_hop() {
    assertThat(HopByHop.present(HttpHeaders.of("Accept", "*/*", "X-Connection", "close", "Authorization", "x")))
        .isFalse();
    assertThat(HopByHop.present(HttpHeaders.of())).isFalse();
  }

  /** The names that {@code Connection} lists go, whatever the spacing, the empty list elements and the case. */
  @ParameterizedTest(name = "Connection: [{0}]")
  @CsvSource(delimiter = '|', value = {
      "X-A, X-B",
      "X-A,X-B",
      "'  X-A  ,\tX-B\t'",
      "x-a,,x-b,",
      "',X-A , , X-B ,'",
      "X-B, X-A",
  })
  void removes_every_header_connection_names(String connection) {
    HttpHeaders headers = HttpHeaders.of("X-A", "1", "X-B", "2", "X-C", "3", "Connection", connection);

    assertThat(HopByHop.strip(headers, headers.toBuilder()).build()).isEqualTo(HttpHeaders.of("X-C", "3"));
  }

  @Test
  void every_connection_field_is_read() {
    HttpHeaders headers = HttpHeaders.of("X-A", "1", "Connection", "X-A", "X-B", "2", "Connection", "x-b", "X-C", "3");

    assertThat(HopByHop.strip(headers, headers.toBuilder()).build()).isEqualTo(HttpHeaders.of("X-C", "3"));
  }

  @ParameterizedTest(name = "Connection: [{0}]")
  @ValueSource(strings = {"", " ", ",", " , ,\t", "X-A\u000b", "\u000bX-A", "X-A;q=1", "X-AB", "X-"})
  void a_token_that_is_empty_or_not_trimmed_to_a_name_removes_nothing(String connection) {
    HttpHeaders headers = HttpHeaders.of("X-A", "1", "Connection", connection);

    assertThat(HopByHop.strip(headers, headers.toBuilder()).build()).isEqualTo(HttpHeaders.of("X-A", "1"));
  }

  @ParameterizedTest(name = "Connection: {0}")
  @ValueSource(strings = {"Authorization", "AUTHORIZATION", " authorization\t"})
  void a_token_naming_a_kept_header_is_ignored_in_any_case(String token) {
    HttpHeaders headers = HttpHeaders.of("Authorization", "Bearer t", "X-A", "1", "Connection", token + ", X-A");

    assertThat(HopByHop.strip(headers, headers.toBuilder(), Set.of("authorization")).build())
        .isEqualTo(HttpHeaders.of("Authorization", "Bearer t"));
    assertThat(HopByHop.strip(headers, headers.toBuilder()).build()).as("without kept names").isEqualTo(HttpHeaders.of());
  }

  @Test
  void strip_returns_the_builder_it_was_given() {
    HttpHeaders.Builder into = HttpHeaders.builder().add("Y", "1");

    assertThat(HopByHop.strip(HttpHeaders.of(), into)).isSameAs(into);
    assertThat(HopByHop.strip(HttpHeaders.of(), into, Set.of())).isSameAs(into);
  }
}
