package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
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
      "10.0.0.1    | 198.51.100.1, 10.2.2.2:123456     | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2:65535      | 198.51.100.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2:9          | 198.51.100.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2:0          | 198.51.100.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2:8a         | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2:/8         | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, 10.2.2.2::          | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, [fd00::1]:65535     | 198.51.100.1",
      "10.0.0.1    | 198.51.100.1, [fd00::1]:123456    | 10.0.0.1",
      "10.0.0.1    | 198.51.100.1, [fd00::1]:          | 10.0.0.1",
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

  @Test
  void a_peer_that_the_server_reports_as_an_ipv4_mapped_ipv6_address_is_its_ipv4_address() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 203, 0, 113, 7};
    Inet6Address peer = Inet6Address.getByAddress(null, mapped, -1);
    Request request = Request.builder("GET", "/").remoteAddress(new InetSocketAddress(peer, 40000)).build();
    Request viaProxy = Request.builder("GET", "/").headers(HttpHeaders.of("X-Forwarded-For", "198.51.100.1"))
        .remoteAddress(new InetSocketAddress(Inet6Address.getByAddress(null,
            new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1}, -1), 40000)).build();

    assertThat(peer).isInstanceOf(Inet6Address.class);
    assertThat(TRUSTED.clientAddress(request)).isEqualTo("203.0.113.7");
    assertThat(TRUSTED.clientAddress(viaProxy)).as("a mapped trusted proxy is trusted").isEqualTo("198.51.100.1");
  }

  @ParameterizedTest(name = "{0} {1} with X-Forwarded-Proto [{2}] -> {3}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "203.0.113.7 | https | NONE          | true",
      "203.0.113.7 | http  | NONE          | false",
      "203.0.113.7 | http  | https         | false",
      "203.0.113.7 | https | http          | true",
      "10.0.0.1    | http  | https         | true",
      "10.0.0.1    | http  | HTTPS         | true",
      "10.0.0.1    | http  | ' https '     | true",
      "10.0.0.1    | http  | 'https, http' | true",
      "10.0.0.1    | http  | 'http, https' | false",
      "10.0.0.1    | http  | http          | false",
      "10.0.0.1    | http  | ''            | false",
      "10.0.0.1    | http  | httpsx        | false",
      "10.0.0.1    | http  | NONE          | false",
      "fd00::7     | http  | https         | true",
      "::1         | http  | https         | false"})
  void the_client_came_over_tls_when_the_server_or_a_trusted_proxy_says_so(String peer, String scheme, String proto,
      boolean tls) {
    HttpHeaders headers = proto == null ? HttpHeaders.of() : HttpHeaders.of("X-Forwarded-Proto", proto);
    Request request = Request.builder("GET", "/").scheme(scheme).headers(headers)
        .remoteAddress(new InetSocketAddress(peer, 40000)).build();

    assertThat(TRUSTED.arrivedOverTls(request)).isEqualTo(tls);
  }

  @Test
  void the_entries_parsed_are_the_peers_trusted() {
    TrustedProxies some = TrustedProxies.parse(List.of("192.0.2.0/24", "bad"), p -> {});
    Request request = Request.builder("GET", "/").headers(HttpHeaders.of("X-Forwarded-For", "198.51.100.1"))
        .remoteAddress(new InetSocketAddress("192.0.2.9", 40000)).build();

    assertThat(some.clientAddress(request)).isEqualTo("198.51.100.1");
    assertThat(some.trusts(request.remoteAddress().getAddress())).isTrue();
    assertThat(some.trusts(null)).isFalse();
  }

  @Test
  void a_peer_without_an_ip_address_is_its_host_string_and_its_forwarding_headers_are_not_read() {
    Request request = Request.builder("GET", "/").scheme("http")
        .headers(HttpHeaders.of("X-Forwarded-For", "198.51.100.1", "X-Forwarded-Proto", "https"))
        .remoteAddress(InetSocketAddress.createUnresolved("client.example", 4000)).build();

    assertThat(TRUSTED.clientAddress(request)).isEqualTo("client.example");
    assertThat(TRUSTED.arrivedOverTls(request)).isFalse();
  }

  @Test
  void nothing_is_trusted_without_trusted_proxies() {
    TrustedProxies none = TrustedProxies.parse(List.of(), p -> {
      throw new AssertionError(p);
    });
    Request request = Request.builder("GET", "/").headers(HttpHeaders.of("X-Forwarded-Proto", "https",
        "X-Forwarded-For", "198.51.100.1")).remoteAddress(new InetSocketAddress("10.0.0.1", 40000)).build();

    assertThat(none.arrivedOverTls(request)).isFalse();
    assertThat(none.clientAddress(request)).isEqualTo("10.0.0.1");
  }
}
