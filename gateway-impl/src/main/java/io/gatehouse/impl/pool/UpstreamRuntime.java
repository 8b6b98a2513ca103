package io.gatehouse.impl.pool;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The upstream groups of one gateway: one {@link TargetPool} per group name, their health checkers
 * and discovery pollers, on the gateway's scheduler (which the routes' retries and deadlines use
 * too). {@link #close()} stops the checkers and pollers; the gateway closes its scheduler.
 */
public final class UpstreamRuntime implements AutoCloseable {
  private final TimeSource time;
  private final UpstreamTransport transport;
  private final Observers observers;
  private final Map<String, TargetPool> pools = new LinkedHashMap<>();
  private final List<AutoCloseable> watchers = new ArrayList<>();
  private final TimeSource.Scheduler scheduler;

  /**
   * Creates an empty runtime.
   *
   * @param time the gateway's time source
   * @param scheduler the gateway's timer, on the same time source
   * @param transport the gateway's upstream client, for health checks
   * @param observers told of health and circuit changes
   */
  public UpstreamRuntime(TimeSource time, TimeSource.Scheduler scheduler, UpstreamTransport transport, Observers observers) {
    this.time = time;
    this.scheduler = scheduler;
    this.transport = transport;
    this.observers = observers;
  }

  /**
   * The pool of a group, created (with its health checker and discovery) on first request.
   * Build-time only: not thread-safe.
   *
   * @param name the group's name
   * @param upstream the group's settings; equal for every request of one name
   */
  public TargetPool pool(String name, Upstream upstream) {
    TargetPool existing = pools.get(name);
    if (existing != null) {
      return existing;
    }
    TargetPool pool = TargetPool.of(name, upstream, time, observers);
    pools.put(name, pool);
    upstream.healthCheck().ifPresent(check -> {
      HealthChecker checker = new HealthChecker(pool, check, transport, scheduler);
      watchers.add(checker);
      checker.start();
    });
    upstream.discovery().ifPresent(discovery -> {
      DiscoveryPoller poller = new DiscoveryPoller(pool, discovery, upstream.refreshInterval(), scheduler);
      watchers.add(poller);
      poller.start();
    });
    return pool;
  }

  /**
   * The gateway's timer, for upstream work (health checks, backoff, deadlines).
   *
   * @return the scheduler
   */
  public TimeSource.Scheduler scheduler() {
    return scheduler;
  }

  /**
   * The groups, whose targets' state a successor may take over.
   *
   * @return the pools, in the order they were created
   */
  public List<TargetPool> pools() {
    return List.copyOf(pools.values());
  }

  /**
   * The state of every group, in the order they were created.
   *
   * @return one status per group
   */
  public List<UpstreamStatus> status() {
    return pools.values().stream().map(TargetPool::status).toList();
  }

  @Override
  public void close() {
    for (AutoCloseable watcher : watchers) {
      try {
        watcher.close();
      } catch (Exception e) {
        // closing the others matters more; a watcher's close does not fail in practice
      }
    }
  }
}
