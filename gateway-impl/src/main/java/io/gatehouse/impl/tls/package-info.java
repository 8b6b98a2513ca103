/**
 * Internal: the one reader of PEM certificate and key files, for the server's own TLS (adapters)
 * and for TLS to upstreams. Not API: types here may change in any release; they are public only
 * for the adapters.
 */
package io.gatehouse.impl.tls;
