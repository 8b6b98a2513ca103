/**
 * Internal: WebSocket proxying (RFC 6455) on routes that take it. {@link
 * io.gatehouse.impl.websocket.WebSocketProxy} checks the client's opening handshake and the
 * upstream's {@code 101} ({@link io.gatehouse.impl.websocket.Handshake}), then joins the two byte
 * streams through a {@link io.gatehouse.impl.websocket.WebSocketSession}, whose two
 * {@link io.gatehouse.impl.websocket.FrameGate}s read frame headers only (masks and payloads pass
 * untouched) to hold each side to the protocol and the size limits, and close both sides with a
 * close frame on a breach or when the session idles. Not API: may change without notice.
 */
package io.gatehouse.impl.websocket;
