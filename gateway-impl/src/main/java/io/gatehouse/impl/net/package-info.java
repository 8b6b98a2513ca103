/**
 * Internal: the one strict parser of IP address literals and CIDR blocks, used wherever the
 * gateway reads an address from its configuration or from a forwarding header. Not API: types
 * here may change in any release; they are public only for the compiler and the adapters.
 *
 * <p>Starting points: {@link io.gatehouse.impl.net.IpLiteral} (an address: canonical dotted-quad
 * IPv4 or RFC 4291 IPv6, printed as RFC 5952), {@link io.gatehouse.impl.net.IpBlock} (a CIDR
 * block) and {@link io.gatehouse.impl.net.IpSet} (many blocks, looked up by binary search).
 *
 * <p>No method accepts or returns null.
 */
package io.gatehouse.impl.net;
