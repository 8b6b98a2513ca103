package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10 item 10 over real sockets, on every mount: with paths case-sensitive (the default) a
 * case variant of {@code /admin/**} goes to the catch-all; with {@code caseInsensitivePaths(true)}
 * it goes to the admin upstream, which receives the client's case. Per row: the status, the
 * connection kept open, and the exact bytes each upstream received.
 *
 * <p>Beside it, the {@code ..%3B} family: a dot segment with an encoded {@code ;} is refused with
 * 400 before routing, so the catch-all's upstream never receives a path that an upstream decoding
 * {@code %3B} before stripping path parameters would read as {@code /admin/users}.
 */
class PathCaseOverSocketsTest {
  private static final String OK_EMPTY = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  private static RawUpstream admin;
  private static RawUpstream catchAll;
  private static Gateway sensitive;
  private static Gateway insensitive;
  private static final Map<Mount, Mount.Running> sensitiveMounts = new EnumMap<>(Mount.class);
  private static final Map<Mount, Mount.Running> insensitiveMounts = new EnumMap<>(Mount.class);

  @BeforeAll
  static void start() throws Exception {
    admin = RawUpstream.start().answer(OK_EMPTY);
    catchAll = RawUpstream.start().answer(OK_EMPTY);
    sensitive = gateway(false);
    insensitive = gateway(true);
    for (Mount m : Mount.values()) {
      sensitiveMounts.put(m, m.start(sensitive));
      insensitiveMounts.put(m, m.start(insensitive));
    }
  }

  private static Gateway gateway(boolean ignoreCase) {
    return Gateway.builder().caseInsensitivePaths(ignoreCase)
        .route("admin", r -> r.path("/admin/**").upstream(admin.url()))
        .route("users", r -> r.path("/api/users/{id}").methods("GET").upstream(admin.url()))
        .route("catch-all", r -> r.path("/**").upstream(catchAll.url()))
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    sensitiveMounts.values().forEach(Mount.Running::close);
    insensitiveMounts.values().forEach(Mount.Running::close);
    sensitive.close();
    insensitive.close();
    admin.close();
    catchAll.close();
  }

  @ParameterizedTest(name = "caseInsensitivePaths({0}): {1} -> {2} {3}")
  @CsvSource(delimiter = '|', value = {
      "false | /admin/users        | admin     | /admin/users",
      "false | /ADMIN/users        | catch-all | /ADMIN/users",
      "false | /Admin/users        | catch-all | /Admin/users",
      "false | /aDmIn              | catch-all | /aDmIn",
      "false | /%41dmin/users      | catch-all | /Admin/users",
      "false | /api/users/Bob      | admin     | /api/users/Bob",
      "false | /API/Users/Bob      | catch-all | /API/Users/Bob",
      "true  | /admin/users        | admin     | /admin/users",
      "true  | /ADMIN/users        | admin     | /ADMIN/users",
      "true  | /Admin/users        | admin     | /Admin/users",
      "true  | /aDmIn              | admin     | /aDmIn",
      "true  | /%41dmin/users      | admin     | /Admin/users",
      "true  | /%61DMIN/users      | admin     | /aDMIN/users",
      "true  | /API/Users/Bob      | admin     | /API/Users/Bob",
      "true  | /adminx             | catch-all | /adminx",
      "true  | /%E2%84%AAelvin     | catch-all | /%E2%84%AAelvin",
      "true  | /adm%C4%B0n/users   | catch-all | /adm%C4%B0n/users"})
  void a_case_variant_reaches_the_protected_routes_upstream_only_when_paths_ignore_case(
      boolean ignoreCase, String path, String expectedUpstream, String upstreamPath) throws Exception {
    Map<Mount, Mount.Running> mounts = ignoreCase ? insensitiveMounts : sensitiveMounts;
    for (Mount mount : Mount.values()) {
      int adminBefore = admin.requests().size();
      int catchAllBefore = catchAll.requests().size();
      try (RawHttp client = RawHttp.connect(mounts.get(mount).port())) {
        client.send("GET " + mount.target(path) + " HTTP/1.1\r\nHost: gw\r\n\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.status()).as("%s", mount).isEqualTo(200);
        client.readBody(head);
        assertThat(client.closedWithin(150)).as("%s closed", mount).isFalse();
      }
      RawUpstream hit = expectedUpstream.equals("admin") ? admin : catchAll;
      RawUpstream missed = hit == admin ? catchAll : admin;
      int hitBefore = hit == admin ? adminBefore : catchAllBefore;
      int missedBefore = hit == admin ? catchAllBefore : adminBefore;
      List<String> arrived = hit.requests().subList(hitBefore, hit.requests().size());
      assertThat(arrived).as("%s %s", mount, expectedUpstream).extracting(UpstreamBytes::comparable)
          .containsExactly(UpstreamBytes.forwarded(mount, hit.url(), "GET", upstreamPath, false));
      assertThat(missed.requests()).as("%s other upstream", mount).hasSize(missedBefore);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/public/..%3B/admin/users", "/public/..%3b/admin/users", "/public/%2E%2e%3B/admin/users",
      "/public/.%3b/../admin/users", "/admin%3Bx/users"})
  void a_dot_segment_or_any_segment_with_an_encoded_semicolon_gets_400_and_no_upstream_gets_anything(String path)
      throws Exception {
    for (Mount mount : Mount.values()) {
      int adminBefore = admin.requests().size();
      int catchAllBefore = catchAll.requests().size();
      try (RawHttp client = RawHttp.connect(sensitiveMounts.get(mount).port())) {
        client.send("GET " + mount.target(path) + " HTTP/1.1\r\nHost: gw\r\n\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.status()).as("%s", mount).isEqualTo(400);
        assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).as("%s problem", mount)
            .contains("invalid path: encoded ';' (%3B) in path");
        // A refused path is a well-framed request: the connection stays open for the next one.
        assertThat(client.closedWithin(150)).as("%s closed", mount).isFalse();
        client.send("GET " + mount.target("/public/x") + " HTTP/1.1\r\nHost: gw\r\n\r\n");
        RawHttp.Head next = client.readHead();
        client.readBody(next);
        assertThat(next.status()).as("%s next request", mount).isEqualTo(200);
      }
      assertThat(admin.requests()).as("%s admin upstream", mount).hasSize(adminBefore);
      List<String> arrived = catchAll.requests().subList(catchAllBefore, catchAll.requests().size());
      assertThat(arrived).as("%s catch-all upstream", mount).extracting(UpstreamBytes::comparable)
          .containsExactly(UpstreamBytes.forwarded(mount, catchAll.url(), "GET", "/public/x", false));
    }
  }
}
