package io.gatehouse.impl.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import io.gatehouse.http.BodyTooLargeException;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway's own small HTTP calls (JWKS, introspection) through its transport. */
class HttpFetchTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
  private final MutableClock clock = new MutableClock();

  private HttpFetch fetch(Function<UpstreamCall, CompletionStage<Response>> answer) {
    return new HttpFetch(new UpstreamTransport() {
      @Override
      public CompletionStage<Response> send(UpstreamCall call) {
        calls.add(call);
        return answer.apply(call);
      }

      @Override
      public void close() {}
    }, clock.newScheduler("fetch-test-timer"));
  }

  private HttpFetch answering(int status, byte[] body) {
    return fetch(call -> CompletableFuture.completedFuture(Response.builder(status).body(Body.of(body)).build()));
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "https://idp.example/keys                  | https://idp.example        | /keys       | https",
      "https://idp.example                       | https://idp.example        | /           | https",
      "http://idp.example:8080/                  | http://idp.example:8080    | /           | http",
      "HTTPS://idp.example/a/b?x=1&y=%20         | https://idp.example        | /a/b?x=1&y=%20 | https",
      "https://idp.example/a%2Fb                 | https://idp.example        | /a%2Fb      | https",
      "http://[::1]:9000/keys?                   | http://[::1]:9000          | /keys?      | http",
      "Http://idp.example?only=query             | http://idp.example         | /?only=query | http"})
  void gets_the_target_of_the_url_from_its_origin(String url, String origin, String target, String scheme) throws Exception {
    HttpFetch.Fetched fetched = await(answering(200, "{}".getBytes(StandardCharsets.UTF_8)).get(URI.create(url), TIMEOUT));

    assertThat(fetched.status()).isEqualTo(200);
    assertThat(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    UpstreamCall call = calls.get(0);
    assertThat(call.origin()).hasToString(origin);
    assertThat(call.request().method()).isEqualTo("GET");
    assertThat(call.request().target()).isEqualTo(target);
    assertThat(call.request().scheme()).isEqualTo(scheme);
    assertThat(call.request().headers().first("Accept")).contains("application/json");
    assertThat(call.connectTimeout()).isEqualTo(TIMEOUT);
    assertThat(call.responseTimeout()).isEqualTo(TIMEOUT);
  }

  @Test
  void posts_a_form_with_its_own_content_headers() throws Exception {
    HttpFetch fetch = answering(200, new byte[0]);
    HttpHeaders given = HttpHeaders.of("Authorization", "Basic x", "Content-Type", "text/plain", "Accept", "text/html",
        "Content-Length", "1");

    await(fetch.postForm(URI.create("https://idp.example/introspect"), "token=\u00e9", given, TIMEOUT));

    UpstreamCall call = calls.get(0);
    assertThat(call.request().method()).isEqualTo("POST");
    assertThat(call.request().target()).isEqualTo("/introspect");
    assertThat(call.request().headers().all("Authorization")).containsExactly("Basic x");
    assertThat(call.request().headers().all("Content-Type")).containsExactly("application/x-www-form-urlencoded");
    assertThat(call.request().headers().all("Accept")).containsExactly("application/json");
    assertThat(call.request().headers().all("Content-Length")).containsExactly("8");
    assertThat(await(call.request().body().bytes(100))).isEqualTo("token=\u00e9".getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 1 << 20})
  void reads_bodies_up_to_a_mebibyte(int size) throws Exception {
    HttpFetch.Fetched fetched = await(answering(404, new byte[size]).get(URI.create("https://idp.example/keys"), TIMEOUT));

    assertThat(fetched.status()).isEqualTo(404);
    assertThat(fetched.body()).hasSize(size);
  }

  @Test
  void a_larger_body_fails_the_fetch() {
    Throwable failure = failure(answering(200, new byte[(1 << 20) + 1]).get(URI.create("https://idp.example/keys"), TIMEOUT));

    assertThat(failure).isInstanceOf(BodyTooLargeException.class);
  }

  @Test
  void a_call_that_runs_out_of_time_fails_and_is_cancelled() {
    CompletableFuture<Response> never = new CompletableFuture<>();
    HttpFetch fetch = fetch(call -> never);

    CompletionStage<HttpFetch.Fetched> fetched = fetch.get(URI.create("https://idp.example/keys"), Duration.ofMillis(50));
    clock.advance(Duration.ofMillis(49));
    assertThat(fetched.toCompletableFuture()).as("before its timeout").isNotDone();
    clock.advance(Duration.ofMillis(1));

    Throwable failure = failure(fetched);
    assertThat(failure).isInstanceOf(TimeoutException.class);
    assertThat(never).isCancelled();
  }

  @Test
  void a_transport_failure_fails_the_fetch() {
    Throwable failure = failure(fetch(call -> CompletableFuture.failedFuture(new ConnectException("refused")))
        .get(URI.create("https://idp.example/keys"), TIMEOUT));

    assertThat(failure).isInstanceOf(ConnectException.class).hasMessage("refused");
  }

  @Test
  void a_transport_that_throws_fails_the_fetch_instead_of_the_caller() {
    HttpFetch fetch = fetch(call -> {
      throw new IllegalStateException("closed");
    });

    assertThat(failure(fetch.get(URI.create("https://idp.example/keys"), TIMEOUT))).isInstanceOf(IllegalStateException.class)
        .hasMessage("closed");
    assertThat(failure(fetch.postForm(URI.create("https://idp.example/i"), "a=b", HttpHeaders.of(), TIMEOUT)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void a_successful_call_is_not_cancelled() throws Exception {
    CompletableFuture<Response> answer = CompletableFuture.completedFuture(Response.builder(200).body(Body.of("{}")).build());
    HttpFetch fetch = fetch(call -> answer);

    await(fetch.get(URI.create("https://idp.example/keys"), TIMEOUT));

    assertThat(answer).isNotCancelled();
  }

  @Test
  void an_answer_in_time_leaves_no_timer_behind() throws Exception {
    CompletableFuture<Response> later = new CompletableFuture<>();
    HttpFetch fetch = fetch(call -> later);

    CompletionStage<HttpFetch.Fetched> fetched = fetch.get(URI.create("https://idp.example/keys"), TIMEOUT);
    assertThat(clock.pendingTasks()).as("the timeout, while the call is out").isEqualTo(1);
    later.complete(Response.builder(200).body(Body.of("{}")).build());

    assertThat(await(fetched).status()).isEqualTo(200);
    assertThat(clock.pendingTasks()).as("the timeout, once answered").isZero();
    clock.advance(TIMEOUT);
    assertThat(later).isNotCancelled();
  }
}
