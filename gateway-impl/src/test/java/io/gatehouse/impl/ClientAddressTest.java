package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.gatehouse.impl.proxy.TrustedProxies;

/** Who the client is: the peer, or the nearest untrusted X-Forwarded-For hop read by the strict literal parser. */
class ClientAddressTest {
  private static final TrustedProxies TRUSTED = TrustedProxies.parse(List.of("10.0.0.0/8", "fd00::/8"), p -> {
    throw new AssertionError(p);
  });

  @ParameterizedTest(name = "{0} with X-Forwarded-For [{1}] -> {2}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "203.0.113.7 | 198.51.100.1                      | 203.0.113.7",
      "203.0.113.7 | NONE                              | 203.0.113.7",
      "10.0.0.1    | NONE                              | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1                      | 198.51.100.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2            | 198.51.100.1",
      "10.0.0.1    | 192.0.2.9, 198.51.100.1, 10.2.2.2 | 198.51.100.1",
      "10.0.0.1    | 10.3.3.3, 10.2.2.2                | 10.3.3.3",
      "10.0.0.1    | evil.example.com, 10.2.2.2        | 10.2.2.2",
      "10.0.0.1    | 198.51.100.1:4711                 | 198.51.100.1",
      "10.0.0.1    | [2001:db8::1]:4711                | 2001:db8::1",
      "10.0.0.1    | 2001:db8::2                       | 2001:db8::2",
      "10.0.0.1    | [2001:DB8:0::3]                   | 2001:db8::3",
      "10.0.0.1    | 198.51.100.1, 010.2.2.2           | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.02           | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 10.1                | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 0x0a.2.2.2          | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 167772161           | 10.0.0.1",
      "10.0.0.1    | 010.0.0.9                         | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, ::ffff:10.2.2.2     | 198.51.100.1",
      "10.0.0.1    | ::ffff:198.51.100.1               | 198.51.100.1",
      "10.0.0.1    | [::FFFF:c633:6401]:80             | 198.51.100.1",
      "10.0.0.1    | 198.51.100.1, [::ffff:10.2.2.2]:1 | 198.51.100.1",
      "10.0.0.1    | 198.51.100.1, fd00::1%eth0        | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, [fd00::1            | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, [fd00::1]x          | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2:           | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2:1234567    | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1,,10.2.2.2            | 10.2.2.2",
      "10.0.0.1    | '198.51.100.1 ,	10.2.2.2'       | 198.51.100.1",
      "::1         | 198.51.100.1                      | ::1",
      "fd00::7     | 198.51.100.1                      | 198.51.100.1",
      "10.0.0.1    | 999.1.1.1                         | 10.0.0.1",
      "10.0.0.1    | 1.2.3.4.5                         | 10.0.0.1",
      "10.0.0.1    | cafe                              | 10.0.0.1"})
  void the_client_is_the_nearest_untrusted_hop_and_names_or_lenient_literals_are_never_read(String peer, String xff, String expected) {
    HttpHeaders headers = xff == null ? HttpHeaders.of() : HttpHeaders.of("X-Forwarded-For", xff);
    Request request = Request.builder("GET", "/").headers(headers).remoteAddress(new InetSocketAddress(peer, 40000)).build();

    assertThat(TRUSTED.clientAddress(request)).isEqualTo(expected);
  }
}
