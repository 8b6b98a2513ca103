package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 10 item 10: case-insensitive paths on request, ASCII folding only, and the case-shadow warning. */
class PathCaseTest {
  private final RecordingTransport upstream = RecordingTransport.answering(200);
  private final List<Gateway> built = new ArrayList<>();

  @AfterEach
  void close() {
    built.forEach(Gateway::close);
  }

  private Gateway gateway(boolean ignoreCase) {
    Gateway g = Gateway.builder().transport(upstream).caseInsensitivePaths(ignoreCase)
        .route("admin", r -> r.path("/admin/**").upstream("http://admin:1"))
        .route("users", r -> r.path("/api/Users/{id}").stripPrefix(1).upstream("http://users:1"))
        .route("kelvin", r -> r.path("/kelvin/**").upstream("http://kelvin:1"))
        .route("dotted-i", r -> r.path("/fix/**").upstream("http://fix:1"))
        .route("catch-all", r -> r.path("/**").upstream("http://public:1"))
        .build();
    built.add(g);
    return g;
  }

  @ParameterizedTest(name = "caseInsensitivePaths({0}): {1} -> {2} {3}")
  @CsvSource(delimiter = '|', value = {
      "false | /admin/users          | admin  | /admin/users",
      "false | /ADMIN/users          | public | /ADMIN/users",
      "false | /Admin                | public | /Admin",
      "false | /aDMIN/users          | public | /aDMIN/users",
      "false | /%41DMIN/users        | public | /ADMIN/users",
      "false | /api/Users/Ab         | users  | /Users/Ab",
      "false | /api/users/Ab         | public | /api/users/Ab",
      "false | /API/USERS/Ab         | public | /API/USERS/Ab",
      "true  | /admin/users          | admin  | /admin/users",
      "true  | /ADMIN/users          | admin  | /ADMIN/users",
      "true  | /Admin                | admin  | /Admin",
      "true  | /aDMIN/UsErS          | admin  | /aDMIN/UsErS",
      "true  | /%41DMIN/users        | admin  | /ADMIN/users",
      "true  | /%61dmin/users        | admin  | /admin/users",
      "true  | /api/users/Ab         | users  | /users/Ab",
      "true  | /API/USERS/Ab         | users  | /USERS/Ab",
      "true  | /adminx/users         | public | /adminx/users",
      "true  | /admi/users           | public | /admi/users",
      // ASCII only: the Kelvin sign (U+212A) is not K, dotless and dotted i are not i
      "true  | /%E2%84%AAelvin/x     | public | /%E2%84%AAelvin/x",
      "true  | /KELVIN/x             | kelvin | /KELVIN/x",
      "true  | /f%C4%B0x/a           | public | /f%C4%B0x/a",
      "true  | /f%C4%B1x/a           | public | /f%C4%B1x/a",
      "true  | /FIX/a                | fix    | /FIX/a"})
  void paths_match_ignoring_ascii_case_only_when_asked_and_the_upstream_gets_the_clients_case(
      boolean ignoreCase, String path, String upstreamHost, String upstreamPath) throws Exception {
    Response response = gateway(ignoreCase).handle(Request.builder("GET", path).header("Host", "gw.test").build())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(response.status()).isEqualTo(200);
    UpstreamCall call = upstream.onlyCall();
    assertThat(call.origin().getHost()).isEqualTo(upstreamHost);
    assertThat(call.request().path()).isEqualTo(upstreamPath);
  }

  @ParameterizedTest(name = "protected {0} {1}, anonymous {2} {3} -> warns: {4}")
  @CsvSource(delimiter = '|', nullValues = "ANY", value = {
      "/admin/**         | ANY    | /**               | ANY    | true",
      "/admin/**         | ANY    | /ADMIN/**         | ANY    | true",
      "/admin/**         | ANY    | /Admin/{rest}     | ANY    | true",
      "/admin/**         | ANY    | /*/**             | ANY    | true",
      "/admin/**         | ANY    | /ADMIN/users/**   | ANY    | true",
      "/admin/users      | ANY    | /Admin/users/**   | ANY    | true",
      "/admin/users      | ANY    | /admin/users/**   | ANY    | false",
      "/admin/users      | ANY    | /Admin            | ANY    | false",
      "/admin/users      | ANY    | /{a}/{b}          | ANY    | true",
      "/admin/users      | ANY    | /admin/*          | ANY    | true",
      "/admin/users      | ANY    | /admin/USERS      | ANY    | true",
      "/admin/**         | GET    | /**               | GET    | true",
      "/admin/**         | GET    | /**               | POST   | false",
      "/admin/**         | ANY    | /**               | TRACE  | false",
      "/admin/**         | GET    | /**               | HEAD   | true",
      "/admin/**         | ANY    | /admin/**         | ANY    | false",
      "/admin/**         | ANY    | /api/**           | ANY    | false",
      "/admin/users      | ANY    | /admin/users      | ANY    | false",
      "/admin/users      | ANY    | /admin/user       | ANY    | false",
      "/admin/users      | ANY    | /{a}              | ANY    | false",
      "/123/456          | ANY    | /**               | ANY    | false",
      "/{id}/**          | ANY    | /**               | ANY    | false",
      "/v1/{id}          | ANY    | /**               | ANY    | true"})
  void build_warns_when_an_anonymous_route_takes_a_protected_routes_paths_spelt_in_another_case(
      String protectedPath, String protectedMethod, String anonymousPath, String anonymousMethod, boolean warns) {
    Gateway.Builder b = Gateway.builder().auth(Auth.basic())
        .route("admin", r -> {
          r.path(protectedPath).upstream("http://admin:1");
          if (protectedMethod != null) {
            r.methods(protectedMethod);
          }
        })
        .route("public", r -> {
          r.path(anonymousPath).auth(Auth.none()).upstream("http://public:1");
          if (anonymousMethod != null) {
            r.methods(anonymousMethod);
          }
        });

    List<String> warnings = DefaultGatewayCompiler.caseShadows(b.spec());

    if (warns) {
      assertThat(warnings).singleElement().asString()
          .startsWith("route 'admin' requires authentication on " + protectedPath + ", but a request for a path spelt in another case")
          .contains("may reach route 'public' (" + anonymousPath + "), which requires none; paths are case-sensitive"
              + " (to match them ignoring case, set Gateway.Builder.caseInsensitivePaths(true))");
    } else {
      assertThat(warnings).isEmpty();
    }
  }

  @Test
  void two_anonymous_or_two_protected_routes_never_warn() {
    Gateway.Builder anonymous = Gateway.builder()
        .route("admin", r -> r.path("/admin/**").upstream("http://admin:1"))
        .route("public", r -> r.path("/**").upstream("http://public:1"));
    Gateway.Builder protectedOnly = Gateway.builder().auth(Auth.basic())
        .route("admin", r -> r.path("/admin/**").upstream("http://admin:1"))
        .route("public", r -> r.path("/**").upstream("http://public:1"));

    assertThat(DefaultGatewayCompiler.caseShadows(anonymous.spec())).isEmpty();
    assertThat(DefaultGatewayCompiler.caseShadows(protectedOnly.spec())).isEmpty();
  }

  @Test
  void the_explain_says_when_a_route_would_match_ignoring_case_and_only_when_paths_are_case_sensitive() {
    String sensitive = gateway(false).explain(Request.builder("GET", "/ADMIN/users").build()).toString();
    String insensitive = gateway(true).explain(Request.builder("GET", "/ADMIN/users").build()).toString();

    assertThat(sensitive).contains("route 'admin': path '/ADMIN/users' does not match /admin/** (it would ignoring case;"
        + " paths are case-sensitive, see Gateway.Builder.caseInsensitivePaths)")
        .contains("route 'users': path '/ADMIN/users' does not match /api/Users/{id}\n")
        .contains("-> route 'catch-all'");
    assertThat(insensitive).contains("-> route 'admin'").doesNotContain("ignoring case");
  }

  @ParameterizedTest(name = "caseInsensitivePaths({0})")
  @ValueSource(booleans = {false, true})
  void a_route_that_only_an_earlier_route_spelt_in_another_case_covers_is_shadowed_only_when_case_is_ignored(boolean ignoreCase) {
    Gateway.Builder b = Gateway.builder().transport(upstream).caseInsensitivePaths(ignoreCase)
        .route("first", r -> r.path("/Admin/**").upstream("http://a:1"))
        .route("second", r -> r.path("/admin/users").upstream("http://b:1"));
    if (ignoreCase) {
      assertThatThrownBy(b::build)
          .hasMessageContaining("route 'second': path: never matches: route 'first', declared earlier, matches every request it would");
    } else {
      built.add(b.build());
    }
  }
}
