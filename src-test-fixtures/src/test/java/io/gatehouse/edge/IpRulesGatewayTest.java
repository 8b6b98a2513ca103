package io.gatehouse.edge;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.filter.AttributeKey;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.TestResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IP rules in a whole gateway, in memory: who is let in by the gateway's and a route's rules, which
 * address is judged (the one the trusted proxies let be known, never a spoofed forwarding header),
 * where in the chain the refusal happens, and what it looks like.
 */
class IpRulesGatewayTest {
  private static final String UP = "http://up:8080";
  private static final String KEY = "k-acme-0123456789abcdef";

  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private GatewayTester tester(Gateway.Builder builder) {
    GatewayObserver observer = records::add;
    tester = GatewayTester.of(builder.observer(observer).accessLog(false)).stubUpstream(UP, s -> s.respond(200, "ok"));
    return tester;
  }

  private RequestRecord lastRecord() {
    return records.get(records.size() - 1);
  }

  private TestResponse from(String client) {
    return tester.get("/api/x").from(client).send();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.1               | 200",
      "10.255.255.255         | 200",
      "11.0.0.0               | 403",
      "9.255.255.255          | 403",
      "10.66.0.1              | 403", // denied inside the allowed block: deny wins
      "10.66.255.255          | 403",
      "10.67.0.0              | 200",
      "::ffff:10.0.0.1        | 200", // the mapped form is the IPv4 address
      "::ffff:10.66.0.1       | 403", // ...so it cannot slip past the IPv4 deny entry
      "2001:db8::1            | 200",
      "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff | 200",
      "2001:db9::             | 403",
      "2001:db8:bad::7        | 403",
      "::1                    | 403",
      "127.0.0.1              | 403"})
  void an_allow_list_lets_in_only_its_blocks_and_a_deny_entry_wins_over_it(String client, int status) {
    tester(Gateway.builder().ipRules(IpRules.allow("10.0.0.0/8", "2001:db8::/32").deny("10.66.0.0/16", "2001:db8:bad::/48"))
        .route("api", r -> r.path("/api/**").upstream(UP)));

    TestResponse res = from(client);

    assertThat(res).hasStatus(status);
    if (status == 403) {
      assertThat(res).isProblem().wasNotProxied().bodyContains("requests from this client address are not allowed");
      assertThat(lastRecord().rejection()).contains(Rejection.IP_DENIED);
    } else {
      assertThat(res).upstreamCalls(1);
      assertThat(lastRecord().rejection()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "198.51.100.7   | 403",
      "198.51.100.255 | 403",
      "198.51.101.0   | 200",
      "::ffff:198.51.100.7 | 403",
      "203.0.113.1    | 200",
      "2001:db8::1    | 200"})
  void a_deny_list_alone_refuses_its_blocks_and_lets_every_other_address_in(String client, int status) {
    tester(Gateway.builder().ipRules(IpRules.any().deny("198.51.100.0/24"))
        .route("api", r -> r.path("/api/**").upstream(UP)));

    assertThat(from(client)).hasStatus(status);
  }

  @Test
  void a_route_rules_replace_the_gateway_rules_and_any_opens_a_route() {
    tester(Gateway.builder().ipRules(IpRules.allow("10.0.0.0/8"))
        .route("status", r -> r.path("/status").ipRules(IpRules.any()).upstream(UP))
        .route("partners", r -> r.path("/partners/**").ipRules(IpRules.allow("203.0.113.0/24")).upstream(UP))
        .route("api", r -> r.path("/api/**").upstream(UP)));

    assertThat(tester.get("/status").from("198.51.100.1").send()).as("any() opens the route").hasStatus(200);
    assertThat(tester.get("/partners/x").from("203.0.113.5").send()).hasStatus(200);
    assertThat(tester.get("/partners/x").from("10.0.0.1").send())
        .as("the route's allow list replaces the gateway's, it does not add to it").hasStatus(403);
    assertThat(tester.get("/api/x").from("10.0.0.1").send()).hasStatus(200);
    assertThat(tester.get("/api/x").from("203.0.113.5").send()).hasStatus(403);
  }

  @Test
  void a_forwarded_for_header_from_a_peer_that_is_not_a_trusted_proxy_is_never_read() {
    tester(Gateway.builder().trustedProxies("10.0.0.0/8").ipRules(IpRules.allow("203.0.113.0/24"))
        .route("api", r -> r.path("/api/**").upstream(UP)));

    assertThat(tester.get("/api/x").from("198.51.100.1").header("X-Forwarded-For", "203.0.113.5").send())
        .as("a spoofed X-Forwarded-For").hasStatus(403).isProblem().wasNotProxied();
    assertThat(tester.get("/api/x").from("198.51.100.1").header("X-Real-IP", "203.0.113.5")
        .header("Forwarded", "for=203.0.113.5").send()).as("nor any other origin header").hasStatus(403);
    assertThat(tester.get("/api/x").from("10.1.1.1").header("X-Forwarded-For", "203.0.113.5").send())
        .as("from a trusted proxy").hasStatus(200);
    assertThat(tester.get("/api/x").from("10.1.1.1").header("X-Forwarded-For", "203.0.113.5, 198.51.100.1").send())
        .as("the nearest untrusted hop is the client").hasStatus(403);
    assertThat(tester.get("/api/x").from("10.1.1.1").header("X-Forwarded-For", "198.51.100.1, 203.0.113.5, 10.2.2.2")
        .send()).as("trusted hops are skipped, hops beyond the client are not read").hasStatus(200);
    assertThat(tester.get("/api/x").from("10.1.1.1").header("X-Forwarded-For", "203.0.113.5, 010.2.2.2").send())
        .as("a lenient literal ends the walk at the proxy, which is not allowed").hasStatus(403);
    assertThat(tester.get("/api/x").from("10.1.1.1").send()).as("the proxy itself").hasStatus(403);
  }

  @Test
  void a_deny_entry_cannot_be_passed_by_a_forwarded_for_header_from_an_untrusted_peer() {
    tester(Gateway.builder().trustedProxies("10.0.0.0/8").ipRules(IpRules.any().deny("198.51.100.0/24"))
        .route("api", r -> r.path("/api/**").upstream(UP)));

    assertThat(tester.get("/api/x").from("198.51.100.1").header("X-Forwarded-For", "203.0.113.5").send()).hasStatus(403);
    assertThat(tester.get("/api/x").from("10.1.1.1").header("X-Forwarded-For", "198.51.100.1").send()).hasStatus(403);
    assertThat(tester.get("/api/x").from("10.1.1.1").header("X-Forwarded-For", "::ffff:198.51.100.1").send())
        .hasStatus(403);
  }

  @Test
  void a_refused_address_gets_403_before_authentication_so_it_never_learns_about_its_credentials() {
    tester(Gateway.builder().ipRules(IpRules.allow("10.0.0.0/8"))
        .consumer(ApiConsumer.builder("acme").apiKey(KEY).build())
        .route("api", r -> r.path("/api/**").auth(Auth.apiKey()).upstream(UP)));

    assertThat(tester.get("/api/x").from("198.51.100.1").send()).hasStatus(403).doesNotHaveHeader("WWW-Authenticate");
    assertThat(tester.get("/api/x").from("198.51.100.1").header("X-API-Key", KEY).send()).hasStatus(403);
    assertThat(tester.get("/api/x").from("198.51.100.1").header("X-API-Key", "wrong-0123456789abcdef").send())
        .hasStatus(403);
    assertThat(lastRecord().rejection()).contains(Rejection.IP_DENIED);
    assertThat(lastRecord().consumer()).isEmpty();
    assertThat(tester.get("/api/x").from("10.0.0.1").send()).hasStatus(401);
    assertThat(tester.get("/api/x").from("10.0.0.1").header("X-API-Key", KEY).send()).hasStatus(200);
  }

  @Test
  void a_refused_address_spends_no_permit_of_a_pre_auth_limit() {
    tester(Gateway.builder().ipRules(IpRules.allow("10.0.0.0/8"))
        .route("api", r -> r.path("/api/**")
            .rateLimit(RateLimit.perRoute(1).per(Duration.ofHours(1)).beforeAuth()).upstream(UP)));

    for (int i = 0; i < 3; i++) {
      assertThat(tester.get("/api/x").from("198.51.100.1").send()).hasStatus(403);
    }
    assertThat(tester.get("/api/x").from("10.0.0.1").send()).as("the route's one permit is still there").hasStatus(200);
    assertThat(tester.get("/api/x").from("10.0.0.2").send()).hasStatus(429);
  }

  @Test
  void the_rules_run_after_the_global_filters_and_before_every_other_built_in_stage() {
    Filter global = (exchange, chain) -> chain.proceed(exchange);
    tester(Gateway.builder().filter(global).ipRules(IpRules.allow("10.0.0.0/8"))
        .route("api", r -> r.path("/api/**").rateLimit(RateLimit.perClientIp(5).per(Duration.ofSeconds(1)).beforeAuth())
            .upstream(UP))
        .route("open", r -> r.path("/open").ipRules(IpRules.any()).upstream(UP)));

    List<String> api = tester.gateway().chains().get("api");
    assertThat(api.get(0)).startsWith("global filter #1");
    assertThat(api.get(1)).isEqualTo("ip-rules stage of route 'api'");
    assertThat(api.get(2)).isEqualTo("pre-auth rate-limit stage of route 'api'");
    assertThat(tester.gateway().chains().get("open")).as("rules that refuse nobody add no stage")
        .noneMatch(stage -> stage.startsWith("ip-rules"));
  }

  @Test
  void a_filter_sees_the_client_address_that_the_rules_limits_and_record_use_whatever_it_does_to_the_headers() {
    AttributeKey<String> seen = AttributeKey.of("seen", String.class);
    List<String> addresses = new CopyOnWriteArrayList<>();
    Filter spoofing = (exchange, chain) -> {
      addresses.add(exchange.clientAddress());
      return chain.proceed(exchange.withRequest(exchange.request().toBuilder()
          .header("X-Forwarded-For", "10.9.9.9").build()));
    };
    Filter reading = (exchange, chain) -> {
      addresses.add(exchange.clientAddress());
      exchange.attribute(seen, exchange.clientAddress());
      return chain.proceed(exchange);
    };
    tester(Gateway.builder().trustedProxies("10.0.0.0/8").filter(spoofing).ipRules(IpRules.allow("203.0.113.0/24"))
        .route("api", r -> r.path("/api/**").rateLimit(RateLimit.perClientIp(1).per(Duration.ofHours(1)))
            .filter(reading).upstream(UP)));

    assertThat(tester.get("/api/x").from("10.1.1.1").header("X-Forwarded-For", "203.0.113.5").send()).hasStatus(200);
    assertThat(addresses).containsExactly("203.0.113.5", "203.0.113.5");
    assertThat(lastRecord().clientAddress()).isEqualTo("203.0.113.5");
    assertThat(tester.get("/api/x").from("10.1.1.2").header("X-Forwarded-For", "203.0.113.5").send())
        .as("the per-IP limit counted the same address").hasStatus(429);
    assertThat(tester.get("/api/x").from("198.51.100.1").send())
        .as("a filter's X-Forwarded-For does not make the rules believe it").hasStatus(403);
    assertThat(addresses).endsWith("198.51.100.1");
  }

  @Test
  void a_client_without_an_ip_address_is_refused_by_any_rules_but_any() throws Exception {
    tester(Gateway.builder().ipRules(IpRules.any().deny("198.51.100.0/24"))
        .route("api", r -> r.path("/api/**").upstream(UP))
        .route("open", r -> r.path("/open").ipRules(IpRules.any()).upstream(UP)));
    Request.Builder named = Request.builder("GET", "/api/x").header("Host", "gw")
        .remoteAddress(InetSocketAddress.createUnresolved("client.example", 4000));

    Response denied = tester.gateway().handle(named.build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    Response open = tester.gateway().handle(named.path("/open").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(denied.status()).isEqualTo(403);
    assertThat(open.status()).isEqualTo(200);
  }
}
