package io.gatehouse.examples.aggregate;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The aggregation example on in-memory stubs, each backend stubbed by origin and path. */
class ProfileGatewayTest {
  private final GatewayTester tester = GatewayTester.of(ProfileGateway.gateway())
      .stubUpstream("http://users-1:8080", s -> s.when("GET", "/users/*")
          .respond(200, "application/json", "{\"name\":\"Ann\",\"companyId\":\"acme\",\"passwordHash\":\"x\"}"))
      .stubUpstream("http://users-2:8080", s -> s.when("GET", "/users/*")
          .respond(200, "application/json", "{\"name\":\"Ann\",\"companyId\":\"acme\",\"passwordHash\":\"x\"}"))
      .stubUpstream("http://orders:8080", s -> s.respond(200, "application/json", "[{\"id\":1}]"))
      .stubUpstream("http://companies:8080", s -> s.when("GET", "/companies/acme")
          .respond(200, "application/json", "{\"name\":\"Acme\",\"country\":\"NO\",\"revenue\":1}"));

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::aggregate-test[]
  @Test
  void one_call_answers_with_the_user_their_orders_and_their_company() {
    assertThat(tester.get("/profile/7").header("Authorization", "Bearer t").send())
        .hasStatus(200).isComplete()
        .hasBody("{\"user\":{\"name\":\"Ann\",\"companyId\":\"acme\"},\"orders\":[{\"id\":1}],"
            + "\"company\":{\"name\":\"Acme\",\"country\":\"NO\"}}")
        .upstreamCallTo("http://orders:8080").upstreamSawQuery("customer=7&limit=5")
        .upstreamSawHeader("Authorization", "Bearer t")
        .upstreamCallTo("http://companies:8080").upstreamSawPath("/companies/acme").upstreamSawNoHeader("Authorization");
  }

  @Test
  void slow_orders_leave_a_partial_answer_within_their_timeout() {
    tester.upstream("http://orders:8080").delay(Duration.ofSeconds(5));
    assertThat(tester.get("/profile/7").send())
        .hasStatus(200).isPartial("orders").bodyContains("\"orders\":null");
  }
  // end::aggregate-test[]

  @Test
  void an_unknown_user_is_the_clients_404() {
    tester.upstream("http://users-1:8080").failNext(1, 404);
    tester.upstream("http://users-2:8080").failNext(1, 404);
    assertThat(tester.get("/profile/404").send()).hasStatus(404).isProblem()
        .bodyContains("backend 'user' of route 'profile' answered 404");
  }
}
