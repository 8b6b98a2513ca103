package io.gatehouse.examples.contracts;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.TestResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's contracts example: invalid requests are refused before they reach a service. */
class ContractGatewayTest {
  private static final Path PETSTORE = Path.of("../gateway-contracts/src/test/resources/petstore/openapi.json");
  private final GatewayTester tester = GatewayTester.of(ContractGateway.gateway(PETSTORE, "http://pets:8080", "http://feedback:8080"))
      .stubUpstream("http://pets:8080", pets -> pets.respond(200, "{}"))
      .stubUpstream("http://feedback:8080", feedback -> feedback.respond(202, ""));

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::contract-test[]
  @Test
  void an_invalid_request_gets_400_with_each_violation_and_never_reaches_the_service() {
    TestResponse refused = tester.post("/api/v3/pet").header("Content-Type", "application/json")
        .body("{\"name\": 7, \"photoUrls\": []}").send();

    assertThat(refused).hasStatus(400).isProblem().wasNotProxied().bodyContains("{\"in\":\"body\",\"pointer\":\"/name\"");
    assertThat(tester.get("/api/v3/pet/seven").send()).hasStatus(400)
        .bodyContains("{\"in\":\"path\",\"name\":\"petId\",\"detail\":\"not an integer\"}");
    assertThat(tester.get("/api/v3/pet/7").send()).hasStatus(200).wasRoutedTo("getPetById");
  }
  // end::contract-test[]

  @Test
  void the_feedback_body_must_match_its_schema() {
    assertThat(tester.post("/feedback").header("Content-Type", "application/json").body("{\"rating\": 5}").send())
        .hasStatus(202);
    assertThat(tester.post("/feedback").header("Content-Type", "application/json").body("{\"rating\": 9, \"x\": 1}").send())
        .hasStatus(400).bodyContains("\"pointer\":\"/rating\"");
    assertThat(tester.post("/feedback").header("Content-Type", "text/plain").body("5 stars").send()).hasStatus(415);
  }
}
