/**
 * API contracts for routes, an optional module ({@code gateway-contracts}). Starting points:
 * {@link io.gatehouse.contract.JsonSchema} (validate a route's JSON body against a JSON Schema,
 * with {@code RouteBuilder.validate}) and {@link io.gatehouse.contract.OpenApiRoutes} (routes
 * imported from an OpenAPI 3.0/3.1 spec, one per {@link io.gatehouse.contract.ApiOperation}, whose
 * requests are validated against their operation). A spec that cannot be imported fails with an
 * {@link io.gatehouse.contract.OpenApiException} naming each problem's place in the spec.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.2
 */
package io.gatehouse.contract;
