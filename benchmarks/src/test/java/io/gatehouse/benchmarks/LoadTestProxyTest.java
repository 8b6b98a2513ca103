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
      "gatehouse-full", "gatehouse-cached", "gatehouse-servlet-jetty", "jetty-proxy"})
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

  private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void the_cached_mode_answers_from_the_cache_after_the_first_request_and_the_static_mode_by_itself() throws Exception {
    Undertow upstream = BenchUpstream.start(0);
    int upstreamPort = ((InetSocketAddress) upstream.getListenerInfo().get(0).getAddress()).getPort();
    try (LoadTestProxy cached = LoadTestProxy.start("gatehouse-cached", 0, "http://127.0.0.1:" + upstreamPort, 1);
        LoadTestProxy fixed = LoadTestProxy.start("gatehouse-static", 0, "http://127.0.0.1:1", 1)) {
      // HTTP/1.1 as wrk speaks it: the JDK client's h2c upgrade offer would go past the cache, like any upgrade.
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      assertThat(get(client, cached.port(), "/small").headers().firstValue("Cache-Status")).hasValueSatisfying(
          status -> assertThat(status).contains("fwd=uri-miss").contains("stored"));
      upstream.stop(); // from here on only the cache can answer
      HttpResponse<String> hit = get(client, cached.port(), "/small");
      assertThat(hit.statusCode()).isEqualTo(200);
      assertThat(hit.body()).isEqualTo("hello\n");
      assertThat(hit.headers().firstValue("Cache-Status")).hasValueSatisfying(status -> assertThat(status).contains("hit"));

      HttpResponse<String> answered = get(client, fixed.port(), "/small");
      assertThat(answered.statusCode()).isEqualTo(200);
      assertThat(answered.body()).isEqualTo("hello\n");
    } finally {
      upstream.stop();
    }
  }

  @Test
  void the_aggregate_mode_merges_three_backends_and_proxies_each_alone() throws Exception {
    Undertow upstream = BenchUpstream.start(0);
    int upstreamPort = ((InetSocketAddress) upstream.getListenerInfo().get(0).getAddress()).getPort();
    try (LoadTestProxy proxy = LoadTestProxy.start("gatehouse-aggregate", 0, "http://127.0.0.1:" + upstreamPort, 1)) {
      // HTTP/1.1 as wrk speaks it: the JDK client's h2c upgrade offer would go past the cache, like any upgrade.
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> merged = get(client, proxy.port(), "/agg");
      assertThat(merged.statusCode()).isEqualTo(200);
      assertThat(merged.headers().firstValue("Gatehouse-Completed")).hasValue("true");
      String one = new String(BenchUpstream.JSON, java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(merged.body()).isEqualTo("{\"a\":" + one + ",\"b\":" + one + ",\"c\":" + one + "}");
      for (String key : new String[] {"a", "b", "c"}) {
        HttpResponse<String> alone = get(client, proxy.port(), "/" + key + "/json/" + key);
        assertThat(alone.statusCode()).isEqualTo(200);
        assertThat(alone.body()).isEqualTo(one);
      }
    } finally {
      upstream.stop();
    }
  }
}
