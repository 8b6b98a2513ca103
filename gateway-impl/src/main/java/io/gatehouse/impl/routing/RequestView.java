package io.gatehouse.impl.routing;

import io.gatehouse.http.Request;
import java.util.List;
import java.util.Map;

/** A request with its query and cookies parsed on first use, once, however many routes ask. */
final class RequestView {
  final Request request;
  private Map<String, List<String>> query;
  private Map<String, List<String>> cookies;

  RequestView(Request request) {
    this.request = request;
  }

  Map<String, List<String>> query() {
    if (query == null) {
      query = QueryParameters.parse(request.rawQuery().orElse(""));
    }
    return query;
  }

  Map<String, List<String>> cookies() {
    if (cookies == null) {
      cookies = Cookies.parse(request.headers().all("Cookie"));
    }
    return cookies;
  }
}
