package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.adapter.GracefulStop;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamTransport;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What the API's values and holders print, for logs and failure messages: their state, never a secret. */
class DiagnosticTextTest {

  @Test
  void bodies_and_responses_print_their_size_and_kind_not_their_bytes() {
    assertThat(Body.of("hello")).hasToString("Body[5 bytes, in memory]");
    assertThat(Body.empty().toString()).isEqualTo("Body[0 bytes, in memory]");
    assertThat(Response.builder(200).body(Body.of("secret")).build().toString())
        .startsWith("Response[200, ").endsWith(", Body[6 bytes, in memory]]").doesNotContain("secret");
  }

  @Test
  void introspection_auth_prints_its_endpoint_and_no_client_secret() {
    assertThat(Auth.introspection("https://idp.example/introspect").clientCredentials("gateway", "hush").toString())
        .isEqualTo("Auth.introspection(https://idp.example/introspect)");
  }

  @Test
  void a_graceful_stop_prints_its_requests_in_flight() {
    GracefulStop gate = GracefulStop.create();
    assertThat(gate.enter()).isTrue();

    assertThat(gate).hasToString("GracefulStop[1 in flight]");
    gate.exit();
    assertThat(gate).hasToString("GracefulStop[0 in flight]");
  }

  @Test
  void a_transport_without_a_pool_reports_no_pool_state() {
    UpstreamTransport stub = call -> CompletableFuture.completedFuture(Response.of(204));

    assertThat(stub.poolStatus()).isEmpty();
  }
}
