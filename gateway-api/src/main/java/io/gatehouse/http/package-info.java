/**
 * The exchange model: {@link io.gatehouse.http.Request}, {@link io.gatehouse.http.Response},
 * {@link io.gatehouse.http.HttpHeaders} and the streaming {@link io.gatehouse.http.Body}.
 *
 * <p>Every value here is immutable; derive changed copies with {@code toBuilder()}. No method
 * accepts or returns null: absent values are {@link java.util.Optional}.
 *
 * @since 0.1
 */
package io.gatehouse.http;
