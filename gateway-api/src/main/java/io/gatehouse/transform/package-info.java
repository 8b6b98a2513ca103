/**
 * Body transformation and compression. Starting points: {@link io.gatehouse.transform.JsonTransform}
 * (reshape a JSON request or response body by JSON Pointer, set with
 * {@code RouteBuilder.transformRequest} and {@code RouteBuilder.transformResponse}),
 * {@link io.gatehouse.transform.TransformValue} (where a value written into a body comes from) and
 * {@link io.gatehouse.transform.Compression} (gzip for clients that accept it, set with
 * {@code RouteBuilder.compression}).
 *
 * <p>No method accepts or returns null, except inside the neutral tree a
 * {@link io.gatehouse.transform.JsonTransform#custom custom} function receives, where Java
 * {@code null} is JSON {@code null}.
 *
 * @since 0.3
 */
package io.gatehouse.transform;
