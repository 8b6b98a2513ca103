/**
 * Internal: the front door's decisions about who may knock and what every answer carries. The
 * IP rules stage refuses client addresses ({@link io.gatehouse.impl.edge.IpFilter}, read by the one
 * strict parser of {@link io.gatehouse.impl.net}); the security headers
 * ({@link io.gatehouse.impl.edge.SecurityHeaderWriter}) go on every response the gateway returns.
 * {@link io.gatehouse.impl.edge.EdgeCompiler} checks and builds them into an
 * {@link io.gatehouse.impl.edge.EdgeRuntime}. Not API. Nothing here accepts or returns null.
 */
package io.gatehouse.impl.edge;
