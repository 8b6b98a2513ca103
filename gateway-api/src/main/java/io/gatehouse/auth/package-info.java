/**
 * Authentication and authorization. Starting points: {@link io.gatehouse.auth.Auth} (how a route
 * authenticates: API keys, JWT, OAuth2 introspection, Basic, or none), {@link io.gatehouse.auth.ApiConsumer}
 * (who calls), {@link io.gatehouse.auth.AccessRule} (what a route requires: scopes, roles, a custom
 * check), {@link io.gatehouse.auth.Principal} (who a request was authenticated as) and
 * {@link io.gatehouse.auth.IdentityHeaders} (how upstreams learn it).
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.auth;
