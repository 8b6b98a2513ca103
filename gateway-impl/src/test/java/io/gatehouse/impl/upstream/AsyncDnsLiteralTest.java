package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which hosts are answered by parsing on the caller's thread (often an I/O thread) and which go to
 * the resolver threads: a host the JDK would send to DNS must never be taken for a literal.
 */
class AsyncDnsLiteralTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.0.7", "192.168.99.250", "1.2.3.4",
      "::1", "[::1]", "2001:db8::7", "::ffff:127.0.0.1"})
  void literals_are_four_decimal_octets_or_anything_with_a_colon(String host) {
    assertThat(AsyncDns.isLiteral(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"256.0.0.1", "999.1.1.1", "1.2.3.256", "300.300.300.300", "127.1", "1.2.3", "1",
      "2130706433", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "01.2.3.4", "010.0.0.1", "1.2.3.04", "0x7f.0.0.1",
      "1.2.3.4 ", " 1.2.3.4", "+1.2.3.4", "1.2.3.-4", "", "localhost", "orders", "1e3.0.0.1", "١.٢.٣.٤"})
  void everything_else_is_a_name_for_the_resolver_threads(String host) {
    assertThat(AsyncDns.isLiteral(host)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"999.1.1.1", "127.1", "010.0.0.1"})
  void a_malformed_literal_is_looked_up_on_a_resolver_thread_not_parsed_on_the_callers(String host) throws Exception {
    List<String> lookedUpOn = new CopyOnWriteArrayList<>();
    AsyncDns.Lookup lookup = name -> {
      lookedUpOn.add(Thread.currentThread().getName());
      return new InetAddress[] {InetAddress.getByAddress(name, new byte[] {10, 0, 0, 9})};
    };
    try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1), lookup)) {
      InetAddress address = transport.resolve(host).toCompletableFuture().get(5, TimeUnit.SECONDS);

      assertThat(address.getHostAddress()).isEqualTo("10.0.0.9");
      assertThat(lookedUpOn).singleElement().asString().startsWith("gatehouse-dns-");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void a_literal_is_answered_without_a_lookup(String host) throws Exception {
    List<String> looked = new CopyOnWriteArrayList<>();
    AsyncDns.Lookup lookup = name -> {
      looked.add(name);
      return InetAddress.getAllByName(name);
    };
    try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1), lookup)) {
      InetAddress address = transport.resolve(host).toCompletableFuture().get(5, TimeUnit.SECONDS);

      assertThat(address).isEqualTo(InetAddress.getByName(host));
      assertThat(looked).isEmpty();
    }
  }
}
