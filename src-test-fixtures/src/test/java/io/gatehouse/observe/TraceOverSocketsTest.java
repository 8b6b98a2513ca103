package io.gatehouse.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.testing.UpstreamServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** W3C trace context reaches a real upstream over a real socket, and the record carries its trace id. */
class TraceOverSocketsTest {

  @Test
  void the_upstream_receives_the_trace_with_the_gateways_hop_and_the_record_names_it() throws Exception {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    List<RequestRecord> records = new CopyOnWriteArrayList<>();
    try (UpstreamServer upstream = UpstreamServer.start();
        Gateway gateway = Gateway.builder().accessLog(false).observer(records::add)
            .route("r", r -> r.path("/**").upstream(upstream.url())).build()) {
      Response response = gateway.handle(Request.builder("GET", "/orders/7")
              .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
              .header("tracestate", "congo=t61rcWkgMzE")
              .build())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      response.body().bytes(1 << 20).toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(response.status()).isEqualTo(200);
      RecordedRequest seen = upstream.received().get(0);
      assertThat(seen.headers().first("traceparent")).get().asString()
          .matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain("b7ad6b7169203331");
      assertThat(seen.headers().first("tracestate")).hasValue("congo=t61rcWkgMzE");
      assertThat(records).singleElement().extracting(RequestRecord::traceId).isEqualTo(traceId);
    }
  }
}
