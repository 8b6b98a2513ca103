package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.ingress.MethodRules;
import io.gatehouse.spi.UpstreamCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 10 item 9: case-sensitive methods, 501 for unknown ones, HEAD as GET, CONNECT/TRACE by name, overrides. */
class MethodRulesTest {
  private final RecordingTransport upstream = RecordingTransport.answering(200);
  private final List<Gateway> built = new ArrayList<>();

  @AfterEach
  void close() {
    built.forEach(Gateway::close);
  }

  private Gateway gateway(boolean honourOverrides) {
    Gateway g = Gateway.builder().transport(upstream)
        .extensionMethods("PROPFIND")
        .methodOverride(honourOverrides)
        .route("orders", r -> r.path("/orders/**").methods("GET", "POST").upstream("http://orders:1"))
        .route("dav", r -> r.path("/dav/**").methods("PROPFIND").upstream("http://dav:1"))
        .route("trace", r -> r.path("/trace").methods("TRACE").respond(200, "text/plain", "traced"))
        .route("d-delete", r -> r.path("/d").methods("DELETE").upstream("http://deleter:1"))
        .route("d-post", r -> r.path("/d").methods("POST").upstream("http://poster:1"))
        .route("any", r -> r.path("/any/**").upstream("http://any:1"))
        .build();
    built.add(g);
    return g;
  }

  private static Response send(Gateway gateway, Request request) throws Exception {
    return gateway.handle(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "GET      | /orders/1  | 200 | GET      | NONE",
      "HEAD     | /orders/1  | 200 | HEAD     | NONE",
      "POST     | /orders/1  | 200 | POST     | NONE",
      "DELETE   | /orders/1  | 405 | NONE     | GET, HEAD, POST",
      "OPTIONS  | /orders/1  | 405 | NONE     | GET, HEAD, POST",
      "PROPFIND | /orders/1  | 405 | NONE     | GET, HEAD, POST",
      "TRACE    | /orders/1  | 405 | NONE     | GET, HEAD, POST",
      "get      | /orders/1  | 501 | NONE     | NONE",
      "Get      | /orders/1  | 501 | NONE     | NONE",
      "gET      | /orders/1  | 501 | NONE     | NONE",
      "head     | /orders/1  | 501 | NONE     | NONE",
      "post     | /orders/1  | 501 | NONE     | NONE",
      "Delete   | /orders/1  | 501 | NONE     | NONE",
      "FOO      | /orders/1  | 501 | NONE     | NONE",
      "GETS     | /orders/1  | 501 | NONE     | NONE",
      "GE       | /orders/1  | 501 | NONE     | NONE",
      "G-E-T    | /orders/1  | 501 | NONE     | NONE",
      "FOO      | /nothing   | 501 | NONE     | NONE",
      "PROPFIND | /dav/x     | 200 | PROPFIND | NONE",
      "propfind | /dav/x     | 501 | NONE     | NONE",
      "MKCOL    | /dav/x     | 501 | NONE     | NONE",
      "GET      | /dav/x     | 405 | NONE     | PROPFIND",
      "GET      | /any/x     | 200 | GET      | NONE",
      "HEAD     | /any/x     | 200 | HEAD     | NONE",
      "POST     | /any/x     | 200 | POST     | NONE",
      "PUT      | /any/x     | 200 | PUT      | NONE",
      "PATCH    | /any/x     | 200 | PATCH    | NONE",
      "DELETE   | /any/x     | 200 | DELETE   | NONE",
      "OPTIONS  | /any/x     | 200 | OPTIONS  | NONE",
      "PROPFIND | /any/x     | 200 | PROPFIND | NONE",
      "TRACE    | /any/x     | 405 | NONE     | DELETE, GET, HEAD, OPTIONS, PATCH, POST, PROPFIND, PUT",
      "CONNECT  | /any/x     | 405 | NONE     | DELETE, GET, HEAD, OPTIONS, PATCH, POST, PROPFIND, PUT",
      "TRACE    | /trace     | 200 | NONE     | NONE",
      "HEAD     | /trace     | 405 | NONE     | TRACE",
      "TRACE    | /nothing   | 404 | NONE     | NONE",
      "GET      | /nothing   | 404 | NONE     | NONE"})
  void methods_are_case_sensitive_unknown_ones_get_501_head_goes_where_get_does_and_trace_only_by_name(
      String method, String path, int status, String upstreamMethod, String allow) throws Exception {
    Response response = send(gateway(false), Request.builder(method, path).header("Host", "gw.test").build());

    assertThat(response.status()).isEqualTo(status);
    assertThat(response.headers().first("Allow").orElse(null)).isEqualTo(allow);
    if (upstreamMethod == null) {
      assertThat(upstream.calls).isEmpty();
    } else {
      assertThat(upstream.onlyCall().request().method()).isEqualTo(upstreamMethod);
    }
    if (status == 501) {
      assertThat(response.headers().first("Content-Type")).contains("application/problem+json");
    }
  }

  @ParameterizedTest(name = "{0} {1} [{2}: {3}] -> {4} {5}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      // off (the default): every override is removed and the method stays
      "false | POST   | /any/x                        | X-HTTP-Method-Override | DELETE | 200 | POST   | NONE",
      "false | POST   | /any/x                        | X-HTTP-Method          | DELETE | 200 | POST   | NONE",
      "false | POST   | /any/x                        | X-Method-Override      | DELETE | 200 | POST   | NONE",
      "false | POST   | /any/x                        | x-http-method-override | PUT    | 200 | POST   | NONE",
      "false | POST   | /any/x                        | X-HTTP-METHOD-OVERRIDE | PATCH  | 200 | POST   | NONE",
      "false | POST   | /any/x                        | X_HTTP_Method_Override | DELETE | 200 | POST   | NONE",
      "false | POST   | /any/x                        | X-Http-Method          | DELETE | 200 | POST   | NONE",
      "false | GET    | /any/x                        | X-HTTP-Method-Override | DELETE | 200 | GET    | NONE",
      "false | POST   | /any/x?_method=DELETE         | NONE                   | NONE   | 200 | POST   | NONE",
      "false | POST   | /any/x?a=1&_method=DELETE&b=2 | NONE                   | NONE   | 200 | POST   | a=1&b=2",
      "false | POST   | /any/x?_METHOD=delete&a=1     | NONE                   | NONE   | 200 | POST   | a=1",
      "false | POST   | /any/x?%5Fmethod=DELETE       | NONE                   | NONE   | 200 | POST   | NONE",
      "false | POST   | /any/x?%5fMethod=DELETE       | NONE                   | NONE   | 200 | POST   | NONE",
      "false | POST   | /any/x?_method                | NONE                   | NONE   | 200 | POST   | NONE",
      "false | POST   | /any/x?a=1;_method=DELETE&b=2 | NONE                   | NONE   | 200 | POST   | b=2",
      "false | POST   | /any/x?_method=DELETE&_method=PUT | NONE               | NONE   | 200 | POST   | NONE",
      "false | GET    | /any/x?_method=DELETE         | NONE                   | NONE   | 200 | GET    | NONE",
      "false | POST   | /any/x?method=DELETE          | NONE                   | NONE   | 200 | POST   | method=DELETE",
      "false | POST   | /any/x?x_method=DELETE        | NONE                   | NONE   | 200 | POST   | x_method=DELETE",
      "false | POST   | /d                            | X-HTTP-Method-Override | DELETE | 200 | POST   | NONE",
      // on: a POST's override to PUT, PATCH or DELETE is what routing and the upstream see
      "true  | POST   | /any/x                        | X-HTTP-Method-Override | DELETE | 200 | DELETE | NONE",
      "true  | POST   | /any/x                        | X-HTTP-Method          | PUT    | 200 | PUT    | NONE",
      "true  | POST   | /any/x                        | X-Method-Override      | PATCH  | 200 | PATCH  | NONE",
      "true  | POST   | /any/x                        | X-HTTP-Method-Override | delete | 200 | DELETE | NONE",
      "true  | POST   | /any/x?_method=delete&a=1     | NONE                   | NONE   | 200 | DELETE | a=1",
      "true  | POST   | /any/x?_method=DELETE&_method=DELETE | NONE            | NONE   | 200 | DELETE | NONE",
      "true  | POST   | /d                            | X-HTTP-Method-Override | DELETE | 200 | DELETE | NONE",
      "true  | POST   | /orders/1                     | X-HTTP-Method-Override | DELETE | 405 | NONE   | NONE",
      "true  | POST   | /any/x                        | X-HTTP-Method-Override | GET    | 200 | POST   | NONE",
      "true  | POST   | /any/x                        | X-HTTP-Method-Override | TRACE  | 200 | POST   | NONE",
      "true  | POST   | /any/x                        | X-HTTP-Method-Override | CONNECT| 200 | POST   | NONE",
      "true  | POST   | /any/x                        | X-HTTP-Method-Override | FOO    | 200 | POST   | NONE",
      "true  | GET    | /any/x                        | X-HTTP-Method-Override | DELETE | 200 | GET    | NONE",
      "true  | PUT    | /any/x                        | X-HTTP-Method-Override | DELETE | 200 | PUT    | NONE",
      "true  | GET    | /any/x?_method=DELETE         | NONE                   | NONE   | 200 | GET    | NONE",
      "true  | POST   | /any/x?_method=PUT            | X-HTTP-Method-Override | DELETE | 400 | NONE   | NONE",
      "true  | POST   | /any/x?_method=DELETE&_method=PUT | NONE               | NONE   | 400 | NONE   | NONE"})
  void method_overrides_never_reach_the_upstream_and_change_the_method_only_when_honoured(
      boolean honour, String method, String target, String header, String value, int status, String upstreamMethod,
      String upstreamQuery) throws Exception {
    Request.Builder request = Request.builder(method, target).header("Host", "gw.test");
    if (header != null) {
      request.header(header, value);
    }
    Response response = send(gateway(honour), request.build());

    assertThat(response.status()).isEqualTo(status);
    if (upstreamMethod == null) {
      assertThat(upstream.calls).isEmpty();
      return;
    }
    UpstreamCall call = upstream.onlyCall();
    assertThat(call.request().method()).isEqualTo(upstreamMethod);
    assertThat(call.request().rawQuery().orElse(null)).isEqualTo(upstreamQuery);
    HttpHeaders seen = call.request().headers();
    assertThat(seen.names()).noneMatch(MethodRules::isOverrideHeader);
    if (target.equals("/d")) {
      assertThat(call.origin().getHost()).isEqualTo(upstreamMethod.equals("DELETE") ? "deleter" : "poster");
    }
  }

  @Test
  void the_explain_applies_the_same_method_rules() {
    Gateway g = gateway(true);
    assertThat(g.explain(Request.builder("get", "/orders/1").build()).problem())
        .hasValueSatisfying(p -> assertThat(p).startsWith("501 Not Implemented: method get is not implemented"));
    assertThat(g.explain(Request.builder("HEAD", "/orders/1").build()).matchedRoute()).contains("orders");
    assertThat(g.explain(Request.builder("TRACE", "/any/x").build()).problem())
        .hasValueSatisfying(p -> assertThat(p).startsWith("405 Method Not Allowed"));
    assertThat(g.explain(Request.builder("POST", "/d").header("X-HTTP-Method-Override", "DELETE").build())
        .matchedRoute()).contains("d-delete");
  }

  @ParameterizedTest
  @ValueSource(strings = {"get", "Delete", "FOO", "propfind", "TRACe"})
  void a_route_naming_a_method_the_gateway_does_not_know_fails_at_build_naming_the_route(String method) {
    assertThatThrownBy(() -> Gateway.builder().transport(upstream).extensionMethods("PROPFIND")
        .route("orders", r -> r.path("/orders").methods("GET", method).upstream("http://orders:1")).build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'orders': methods: '" + method + "' (expected: one of CONNECT, DELETE, GET, HEAD,"
            + " OPTIONS, PATCH, POST, PUT, TRACE, or a method named in Gateway.Builder.extensionMethods(...);"
            + " methods are case-sensitive)");
  }

  @ParameterizedTest(name = "extensionMethods(\"{0}\")")
  @CsvSource(delimiter = '|', value = {
      "get         | extensionMethods: 'get' (expected: not a case variant of GET; methods are case-sensitive)",
      "Patch       | extensionMethods: 'Patch' (expected: not a case variant of PATCH; methods are case-sensitive)",
      "PROP FIND   | extensionMethods: 'PROP FIND' (expected: an RFC 9110 token)",
      "PROP/FIND   | extensionMethods: 'PROP/FIND' (expected: an RFC 9110 token)",
      "''          | extensionMethods: '' (expected: an RFC 9110 token)"})
  void extension_methods_are_checked_as_tokens_at_the_setter(String method, String message) {
    assertThatThrownBy(() -> Gateway.builder().extensionMethods(method))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
