/**
 * Internal: the bridge between Undertow's {@code HttpServerExchange} and the gateway's
 * {@link io.gatehouse.http.Request} / {@link io.gatehouse.http.Response}. Not API; it may change
 * in any release. Use {@link io.gatehouse.undertow.UndertowGateway} instead.
 *
 * <p>Threading: every read from and write to an exchange's channels runs on that exchange's I/O
 * thread. Signals that arrive on other threads (the gateway's future, a response body's
 * {@code onNext}, a request body's {@code request(n)}) are handed to the I/O thread with
 * {@code XnioIoThread.execute}, which keeps them in order. Nothing here blocks.
 *
 * <p>No method accepts or returns null unless it says so.
 */
package io.gatehouse.undertow.internal;
