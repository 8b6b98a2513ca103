/**
 * Internal: the auth stage. {@link io.gatehouse.impl.auth.AuthCompiler} checks the auth part of a
 * gateway spec and builds the {@link io.gatehouse.impl.auth.AuthRuntime}, which gives each route
 * its stage; the authenticators, JWKS key source, introspection cache and password checker live
 * here. Not API: may change without notice.
 */
package io.gatehouse.impl.auth;
