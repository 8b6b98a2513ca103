package io.gatehouse.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.testing.UpstreamServer;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A gateway on Undertow in front of an {@link UpstreamServer}, both on 127.0.0.1, and a client. */
final class OverSockets implements AutoCloseable {
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  final UpstreamServer upstream;
  final GatewayServer server;

  OverSockets(Consumer<Gateway.Builder> routes, UpstreamServer upstream) {
    this.upstream = upstream;
    Gateway.Builder builder = Gateway.builder();
    routes.accept(builder);
    this.server = UndertowGateway.server(builder.build()).host("127.0.0.1").port(0).ioThreads(2).start();
  }

  /** A request to the gateway; the body is sent with Content-Length, or chunked when {@code chunked}. */
  Answer send(String method, String target, String contentType, byte[] body, boolean chunked) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target))
        .timeout(Duration.ofSeconds(10));
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
        : HttpRequest.BodyPublishers.ofByteArray(body);
    request.method(method, publisher);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Answer send(String method, String target, String contentType, String body) {
    return send(method, target, contentType, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
  }

  /** What the client got. */
  record Answer(int status, String contentType, String body) {
    /** The problem's errors as {@code in name-or-pointer}. */
    List<String> errors() {
      try {
        JsonNode problem = JSON.readTree(body);
        List<String> errors = new ArrayList<>();
        for (JsonNode e : problem.path("errors")) {
          errors.add(e.path("in").asText() + " " + (e.has("pointer") ? e.path("pointer").asText() : e.path("name").asText()));
        }
        return errors;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    JsonNode problem() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    server.close();
    upstream.close();
  }
}
