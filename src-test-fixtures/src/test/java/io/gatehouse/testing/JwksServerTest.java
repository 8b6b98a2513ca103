package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JwksServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final TestKey k1 = TestKeys.rsa("k1");
  private final TestKey k2 = TestKeys.ec("k2");
  private final JwksServer server = JwksServer.start(k1, k2);

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void serves_the_jwks_as_json_over_a_real_socket() throws Exception {
    HttpResponse<String> res = get(server.url());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(res.body()).isEqualTo(TestKeys.jwks(k1, k2));
    assertThat(server.origin()).matches("http://127\\.0\\.0\\.1:\\d+").endsWith(":" + server.port());
    assertThat(server.url()).isEqualTo(server.origin() + "/.well-known/jwks.json");
  }

  @Test
  void a_served_key_verifies_a_minted_token() throws Exception {
    Map<?, ?> jwks = new ObjectMapper().readValue(get(server.url()).body(), Map.class);
    Map<?, ?> jwk = (Map<?, ?>) ((List<?>) jwks.get("keys")).get(0);
    RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
        new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("n"))),
        new BigInteger(1, Base64.getUrlDecoder().decode((String) jwk.get("e")))));

    String token = TestTokens.valid(k1, "alice", "orders:read");

    assertThat(jwk.get("kid")).isEqualTo("k1");
    assertThat(JWT.require(Algorithm.RSA256(publicKey)).build().verify(token).getSubject()).isEqualTo("alice");
  }

  @Test
  void answers_404_on_other_paths_and_405_for_other_methods_without_counting_them() throws Exception {
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(server.url())).timeout(TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(get(server.origin() + "/keys").statusCode()).isEqualTo(404);
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET");
    assertThat(server.fetches()).isZero();
  }

  @Test
  void rotation_replaces_the_served_keys() throws Exception {
    TestKey k3 = TestKeys.ec("k3");

    server.keys(k3);

    assertThat(get(server.url()).body()).isEqualTo(TestKeys.jwks(k3));
    server.keys();
    assertThat(get(server.url()).body()).isEqualTo("{\"keys\":[]}");
  }

  @Test
  void failWith_answers_every_request_with_the_status_until_recover() throws Exception {
    server.failWith(503);

    assertThat(get(server.url()).statusCode()).isEqualTo(503);
    assertThat(get(server.origin() + "/other").statusCode()).isEqualTo(503);
    server.recover();
    HttpResponse<String> recovered = get(server.url());
    assertThat(recovered.statusCode()).isEqualTo(200);
    assertThat(recovered.body()).isEqualTo(TestKeys.jwks(k1, k2));
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  void counts_fetches_and_waits_for_them_with_a_bound() throws Exception {
    long started = System.nanoTime();
    assertThat(server.awaitFetches(1, Duration.ofMillis(50))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
    assertThat(server.awaitFetches(0, Duration.ZERO)).isTrue();

    CompletableFuture<HttpResponse<String>> fetch = client.sendAsync(
        HttpRequest.newBuilder(URI.create(server.url())).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(server.awaitFetches(1, TIMEOUT)).isTrue();
    assertThat(fetch.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).statusCode()).isEqualTo(200);
    get(server.url());
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  void close_makes_the_port_refuse_connections() throws Exception {
    int port = server.port();
    assertThat(get(server.url()).statusCode()).isEqualTo(200);

    server.close();

    assertThatThrownBy(() -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) TIMEOUT.toMillis());
      }
    }).isInstanceOf(ConnectException.class);
    server.close();
  }

  @Test
  void rejects_what_it_cannot_serve() {
    assertThatThrownBy(() -> JwksServer.start(TestKeys.hmac("h1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keys[0]: TestKey[kid h1, HS256] (expected: an RSA or EC key; an HMAC secret has no public JWK)");
    assertThatThrownBy(() -> server.keys(k1, TestKeys.hmac("h2")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys[1]: TestKey[kid h2, HS256]");
    assertThatThrownBy(() -> server.failWith(200)).hasMessage("status: 200 (expected: 400 to 599)");
    assertThatThrownBy(() -> server.awaitFetches(-1, TIMEOUT)).hasMessage("n: -1 (expected: >= 0)");
    assertThatThrownBy(() -> server.awaitFetches(1, Duration.ofSeconds(-1)))
        .hasMessage("timeout: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> server.awaitFetches(1, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void prints_its_url_its_fetches_and_the_status_it_fails_with() throws Exception {
    get(server.url());
    assertThat(server).hasToString("JwksServer[" + server.url() + ", 1 fetches]");

    server.failWith(503);
    assertThat(server).hasToString("JwksServer[" + server.url() + ", 1 fetches, failing with 503]");
  }
}
