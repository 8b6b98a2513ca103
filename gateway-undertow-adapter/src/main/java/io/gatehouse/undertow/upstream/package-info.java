/**
 * The upstream transport of the Undertow mount: HTTP/1.1 to plain-HTTP upstreams on the XNIO I/O
 * thread that received the client's request, so a proxied request never changes threads.
 * {@link io.gatehouse.undertow.upstream.IoThreadTransports} is the only public type, a service
 * provider the gateway finds by itself; everything else is internal.
 *
 * <p>Threading: a connection, its exchange and its parser belong to one I/O thread and are touched
 * only there; signals from other threads (a body's {@code request}, a cancelled stage, the
 * request body's publisher) are handed to it with {@code XnioIoThread.execute}. Nothing blocks.
 */
package io.gatehouse.undertow.upstream;
