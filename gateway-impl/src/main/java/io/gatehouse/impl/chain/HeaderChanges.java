package io.gatehouse.impl.chain;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.route.HeaderOperation;
import java.util.List;

/** A route's response header changes, applied on the way out. */
public final class HeaderChanges {
  private HeaderChanges() {}

  public static Response apply(List<HeaderOperation> operations, Response response) {
    if (operations.isEmpty()) {
      return response;
    }
    HttpHeaders.Builder headers = response.headers().toBuilder();
    operations.forEach(op -> op.applyTo(headers));
    return response.toBuilder().headers(headers.build()).build();
  }
}
