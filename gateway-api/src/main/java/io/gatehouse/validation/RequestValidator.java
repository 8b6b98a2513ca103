package io.gatehouse.validation;

import io.gatehouse.Unstable;
import io.gatehouse.filter.Exchange;
import java.nio.ByteBuffer;

/**
 * Checks a request against its contract, in the route's validation stage: after authentication,
 * limits and quotas, before the route's filters and anything that reaches the upstream. Two
 * phases: {@link #validateHead} sees the request line and header fields before any body byte is
 * read; then, if {@link #readsBody} says so, the stage reads the body under the route's cap
 * ({@link RequestValidation#maxBodyBytes}, 413 past it) and {@link #validateBody} sees all of it.
 * A valid request goes on with its body replayed to the upstream unchanged. The violations of
 * both phases make one 400 problem with an RFC 9457 {@code errors} list.
 *
 * <pre>{@code
 * .route("orders", r -> r.path("/orders").methods("POST")
 *     .validate(JsonSchema.from(Path.of("order.schema.json")))     // gateway-contracts
 *     .upstream("http://orders:8080"))
 * }</pre>
 *
 * <p>Both methods run on the thread that delivered the request or its last body byte, often an
 * I/O thread: they must not block, and their cost is paid per request. Implementations are
 * immutable and thread-safe.
 *
 * @since 0.2
 */
@Unstable
public interface RequestValidator {

  /**
   * Checks what precedes the body: method, path, query, header fields. A result whose status is
   * not 400 (a 415 for a content type the contract does not take, say) is answered at once and
   * the body is not read; 400 violations are listed together with the body's.
   *
   * @param exchange the request, with its route's path variables and principal
   * @return the result
   */
  ValidationResult validateHead(Exchange exchange);

  /**
   * Whether the stage reads the body and calls {@link #validateBody}. When false, a request whose
   * head is valid goes on with its body streaming, unread.
   *
   * @param exchange the request
   * @return true by default
   */
  default boolean readsBody(Exchange exchange) {
    return true;
  }

  /**
   * Checks the whole body, read within the route's cap.
   *
   * @param exchange the request
   * @param body the body's bytes, read-only; empty for a request without a body
   * @return the result
   */
  ValidationResult validateBody(Exchange exchange, ByteBuffer body);
}
