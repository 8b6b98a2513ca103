package io.gatehouse.examples.contracts;

import io.gatehouse.Gateway;
import io.gatehouse.contract.JsonSchema;
import io.gatehouse.contract.OpenApiRoutes;
import io.gatehouse.validation.RequestValidation;
import java.nio.file.Path;
import java.time.Duration;

/** API contracts: an OpenAPI spec imported as routes, and a JSON Schema on one route; the README quotes it and its test runs it. */
public final class ContractGateway {
  private ContractGateway() {}

  /**
   * The Petstore's operations as routes under {@code /api/v3}, and a feedback route whose body
   * must match a schema.
   *
   * @param petstoreSpec the Petstore 3 spec
   * @param petsUrl where the pet service listens
   * @param feedbackUrl where the feedback service listens
   * @return the builder
   */
  // tag::contracts[]
  public static Gateway.Builder gateway(Path petstoreSpec, String petsUrl, String feedbackUrl) {
    JsonSchema feedback = JsonSchema.from("""
        {"type": "object", "required": ["rating"], "additionalProperties": false,
         "properties": {"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                        "comment": {"type": "string", "maxLength": 2000}}}
        """);
    Gateway.Builder gateway = Gateway.builder()
        .route("feedback", r -> r.path("/feedback").methods("POST")
            .validate(RequestValidation.of(feedback).maxBodyBytes(16 * 1024))   // 413 past 16 KiB
            .upstream(feedbackUrl));
    OpenApiRoutes.from(petstoreSpec)                   // one route per operation, id = operationId
        .basePath("/api/v3")
        .upstream(petsUrl)
        .routes((operation, route) -> route.timeout(Duration.ofSeconds(2)))   // decorate with the DSL
        .forEach(gateway::route);
    return gateway;
  }
  // end::contracts[]
}
