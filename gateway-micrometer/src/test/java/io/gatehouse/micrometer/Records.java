package io.gatehouse.micrometer;

import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Hand-made request records: {@code Records.request().route("orders").status(200).build()}. */
final class Records {
  private String route;
  private String method = "GET";
  private String target;
  private int status = 200;
  private long bytesIn;
  private long bytesOut;
  private Duration duration = Duration.ofMillis(10);
  private Duration upstreamDuration;
  private Rejection rejection;
  private io.gatehouse.cache.CacheOutcome cache;

  private Records() {}

  static Records request() {
    return new Records();
  }

  Records route(String route) {
    this.route = route;
    return this;
  }

  Records method(String method) {
    this.method = method;
    return this;
  }

  /** Answered by this target in the given time. */
  Records target(String target, Duration upstreamDuration) {
    this.target = target;
    this.upstreamDuration = upstreamDuration;
    return this;
  }

  Records status(int status) {
    this.status = status;
    return this;
  }

  Records bytes(long in, long out) {
    this.bytesIn = in;
    this.bytesOut = out;
    return this;
  }

  Records duration(Duration duration) {
    this.duration = duration;
    return this;
  }

  Records rejected(Rejection rejection, int status) {
    this.rejection = rejection;
    this.status = status;
    return this;
  }

  Records cache(io.gatehouse.cache.CacheOutcome outcome) {
    this.cache = outcome;
    return this;
  }

  RequestRecord build() {
    return new RequestRecord(Instant.parse("2025-01-01T00:00:00Z"), "req-1", "0af7651916cd43dd8448eb211c80319c",
        "192.0.2.1", Optional.empty(), Optional.ofNullable(route), method, "/api/orders/7",
        Optional.ofNullable(target), status, bytesIn, bytesOut, duration, Optional.ofNullable(upstreamDuration),
        Optional.ofNullable(rejection), target == null ? 0 : 1, Optional.ofNullable(cache));
  }
}
