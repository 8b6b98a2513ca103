/**
 * Internal: upstream groups at run time. {@link io.gatehouse.impl.pool.TargetPool} holds one
 * group's live targets (replaced whole when discovery answers) and leases them to calls through
 * its {@link io.gatehouse.impl.pool.Balancer}; {@link io.gatehouse.impl.pool.LiveTarget} keeps a
 * target's health, ejection, circuit and requests in flight; {@link
 * io.gatehouse.impl.pool.HealthChecker} and {@link io.gatehouse.impl.pool.DiscoveryPoller} run on
 * the gateway's upstream scheduler. Not API: may change without notice.
 */
package io.gatehouse.impl.pool;
