package io.gatehouse.impl.observe;

import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.RequestRecord;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one INFO event per finished request on the logger {@code io.gatehouse.access},
 * with the fields as SLF4J 2 key-value pairs (a JSON encoder writes them as fields) and a short
 * readable message, which names the number of upstream attempts when there were retries. No header value is logged, so no credential can be.
 */
final class AccessLog implements GatewayObserver {
  private static final Logger log = LoggerFactory.getLogger("io.gatehouse.access");

  @Override
  public void onRequest(RequestRecord r) {
    if (!log.isInfoEnabled()) {
      return;
    }
    long millis = r.duration().toMillis();
    log.atInfo()
        .setMessage(r.upstreamAttempts() > 1 ? "{} {} {} {} ms ({} upstream attempts)" : "{} {} {} {} ms")
        .addArgument(r.method())
        .addArgument(r.path())
        .addArgument(r.status())
        .addArgument(millis)
        .addArgument(r.upstreamAttempts())
        .addKeyValue("time", r.start())
        .addKeyValue("requestId", r.requestId())
        .addKeyValue("traceId", r.traceId())
        .addKeyValue("client", r.clientAddress())
        .addKeyValue("consumer", r.consumer().orElse("-"))
        .addKeyValue("route", r.routeId().orElse("-"))
        .addKeyValue("method", r.method())
        .addKeyValue("path", r.path())
        .addKeyValue("upstream", r.upstream().orElse("-"))
        .addKeyValue("status", r.status())
        .addKeyValue("bytesIn", r.bytesIn())
        .addKeyValue("bytesOut", r.bytesOut())
        .addKeyValue("durationMs", millis)
        .addKeyValue("attempts", r.upstreamAttempts())
        .addKeyValue("upstreamMs", r.upstreamDuration().map(Duration::toMillis).map(String::valueOf).orElse("-"))
        .addKeyValue("rejection", r.rejection().map(Enum::name).orElse("-"))
        .log();
  }
}
