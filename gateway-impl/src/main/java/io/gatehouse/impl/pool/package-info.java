/**
 * Internal: upstream groups at run time. {@link io.gatehouse.impl.pool.TargetPool} holds one
 * group's live targets (replaced whole when discovery answers) and leases them to calls through
 * its {@link io.gatehouse.impl.pool.Balancer}; {@link io.gatehouse.impl.pool.LiveTarget} keeps a
 * target's health, ejection, circuit and requests in flight; {@link
 * io.gatehouse.impl.pool.HealthChecker} runs on the gateway's upstream scheduler, each {@link
 * io.gatehouse.impl.pool.DiscoveryPoller} on a thread of its own (lookups may block). Not API: may change without notice.
 */
package io.gatehouse.impl.pool;
