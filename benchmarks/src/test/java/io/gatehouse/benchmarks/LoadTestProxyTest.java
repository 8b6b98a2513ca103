package io.gatehouse.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every proxy of the load tests passes both bodies through byte for byte. */
class LoadTestProxyTest {

  @ParameterizedTest
  @ValueSource(strings = {"gatehouse", "undertow-proxy", "gatehouse-local-limit", "gatehouse-resilient", "gatehouse-metrics", "gatehouse-observed",
      "gatehouse-full", "gatehouse-servlet-jetty", "jetty-proxy"})
  void proxies_small_and_large_bodies(String mode) throws Exception {
    Undertow upstream = BenchUpstream.start(0);
    int upstreamPort = ((InetSocketAddress) upstream.getListenerInfo().get(0).getAddress()).getPort();
    try (LoadTestProxy proxy = LoadTestProxy.start(mode, 0, "http://127.0.0.1:" + upstreamPort, 1)) {
      HttpClient client = HttpClient.newHttpClient();
      for (String path : new String[] {"/small", "/large"}) {
        // Every load script sends the token to every proxy; only gatehouse-full checks it.
        HttpResponse<byte[]> res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
            .header("Authorization", "Bearer " + LoadTestProxy.token())
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(path.equals("/small") ? BenchUpstream.SMALL : BenchUpstream.LARGE);
      }
    } finally {
      upstream.stop();
    }
  }

  @Test
  void the_full_policy_mode_verifies_the_token_and_counts_the_consumer() throws Exception {
    Undertow upstream = BenchUpstream.start(0);
    int upstreamPort = ((InetSocketAddress) upstream.getListenerInfo().get(0).getAddress()).getPort();
    try (LoadTestProxy proxy = LoadTestProxy.start("gatehouse-full", 0, "http://127.0.0.1:" + upstreamPort, 1)) {
      HttpClient client = HttpClient.newHttpClient();
      URI small = URI.create("http://127.0.0.1:" + proxy.port() + "/small");
      HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(small).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      String forged = LoadTestProxy.token().replaceFirst("\\.[^.]*$", ".c2lnbmF0dXJl");
      HttpResponse<String> bad = client.send(HttpRequest.newBuilder(small).header("Authorization", "Bearer " + forged)
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(401);
      HttpResponse<String> ok = client.send(HttpRequest.newBuilder(small).header("Authorization", "Bearer " + LoadTestProxy.token())
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("RateLimit-Policy")).as("the per-consumer limit ran").hasValueSatisfying(
          policy -> assertThat(policy).contains("load"));
    } finally {
      upstream.stop();
    }
  }
}
