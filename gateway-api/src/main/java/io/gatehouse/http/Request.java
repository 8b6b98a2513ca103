package io.gatehouse.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * An immutable HTTP request as the gateway sees it: method, path, raw query, headers, a streaming
 * body, and where it came from. {@link #toBuilder()} derives a changed copy.
 *
 * <p>The path is the percent-encoded path relative to where the gateway is mounted. Adapters pass
 * it as received; the gateway normalizes it before routing, and filters see the normalized form.
 *
 * <pre>{@code
 * Request r = Request.builder("GET", "/api/orders/7?expand=lines").header("Accept", "application/json").build();
 * Request rewritten = r.toBuilder().path("/orders/7").build();
 * }</pre>
 *
 * @since 0.1
 */
public final class Request {
  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final String method;
  private final String path;
  private final String rawQuery;
  private final HttpHeaders headers;
  private final Body body;
  private final InetSocketAddress remoteAddress;
  private final String scheme;
  private final String mountPath;
  private final List<X509Certificate> clientCertificates;
  private final Flow.Publisher<ByteBuffer> tunnel;

  private Request(Builder b) {
    this.method = b.method;
    this.path = b.path;
    this.rawQuery = b.rawQuery;
    this.headers = b.headers;
    this.body = b.body;
    this.remoteAddress = b.remoteAddress;
    this.scheme = b.scheme;
    this.mountPath = b.mountPath;
    this.clientCertificates = b.clientCertificates;
    this.tunnel = b.tunnel;
  }

  /**
   * A builder for a request.
   *
   * @param method the method, as sent ({@code GET}); methods are case-sensitive
   * @param target the path, optionally followed by {@code ?} and the raw query
   * @return the builder
   */
  public static Builder builder(String method, String target) {
    return new Builder(method, target);
  }

  /**
   * A builder holding this request's values.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(method, path);
    b.rawQuery = rawQuery;
    b.headers = headers;
    b.body = body;
    b.remoteAddress = remoteAddress;
    b.scheme = scheme;
    b.mountPath = mountPath;
    b.clientCertificates = clientCertificates;
    b.tunnel = tunnel;
    return b;
  }

  /**
   * The method.
   *
   * @return the method as sent, such as {@code GET}
   */
  public String method() {
    return method;
  }

  /**
   * The percent-encoded path, without the query.
   *
   * @return the path, such as {@code /api/orders/7}
   */
  public String path() {
    return path;
  }

  /**
   * The query exactly as received, without the {@code ?}.
   *
   * @return the raw query, or empty if the target had no {@code ?}
   */
  public Optional<String> rawQuery() {
    return Optional.ofNullable(rawQuery);
  }

  /**
   * The path followed by {@code ?} and the raw query, if any.
   *
   * @return the request target in origin form
   */
  public String target() {
    return rawQuery == null ? path : path + '?' + rawQuery;
  }

  /**
   * The header fields.
   *
   * @return the headers
   */
  public HttpHeaders headers() {
    return headers;
  }

  /**
   * The body.
   *
   * @return the body; {@link Body#empty()} when there is none
   */
  public Body body() {
    return body;
  }

  /**
   * The address of the peer that sent the request: the client, or the last proxy before us.
   *
   * @return the peer's address
   */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * The scheme the request arrived with.
   *
   * @return {@code http} or {@code https}
   */
  public String scheme() {
    return scheme;
  }

  /**
   * The path prefix under which the gateway is mounted, as the client sent it: {@code /gw} when an
   * application mounts the gateway at {@code /gw} and the client asked for {@code /gw/orders/7}
   * (then {@link #path()} is {@code /orders/7}). The gateway tells upstreams about it in
   * {@code X-Forwarded-Prefix}.
   *
   * <p>{@code Request.builder("GET", "/orders/7").mountPath("/gw").build().mountPath()} is {@code "/gw"}
   *
   * @return the prefix, or {@code ""} when the gateway is not mounted under a prefix
   * @since 0.1
   */
  public String mountPath() {
    return mountPath;
  }

  /**
   * The certificate chain the client presented in the TLS handshake and the server verified,
   * the client's own certificate first. Adapters fill it from the TLS session, never from a
   * header: a client cannot claim a certificate by sending one ({@code X-Client-Cert},
   * {@code X-SSL-Client-Cert}, {@code Client-Cert} are ordinary headers to the gateway).
   *
   * <p>{@code request.clientCertificates().stream().findFirst().map(c -> c.getSubjectX500Principal().getName())}
   *
   * @return the chain, or an empty list for plain HTTP and for TLS without a client certificate
   * @since 0.2
   */
  public List<X509Certificate> clientCertificates() {
    return clientCertificates;
  }

  /**
   * The bytes the client sends once its connection has switched protocols (a WebSocket upgrade).
   * Adapters that can switch a connection set it on an HTTP/1.1 request with an {@code Upgrade}
   * field; it emits nothing until a {@code 101} response has been written, then the client's bytes
   * as they arrive, with back-pressure, and completes when the client closes the connection.
   * Cancelling its subscription closes the client's connection. The gateway passes it to the
   * upstream only on routes that take WebSockets ({@code RouteBuilder.webSocket}); a transport
   * answers a call that carries one with {@code 101} and the upstream's bytes as the body.
   *
   * <p>{@code request.tunnel().isPresent()}
   *
   * @return the client's bytes after the switch, or empty when the connection cannot switch
   * @since 0.2
   */
  public Optional<Flow.Publisher<ByteBuffer>> tunnel() {
    return Optional.ofNullable(tunnel);
  }

  @Override
  public String toString() {
    return method + " " + target();
  }

  /**
   * Builds {@link Request}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private String method;
    private String path;
    private String rawQuery;
    private HttpHeaders headers = HttpHeaders.of();
    private Body body = Body.empty();
    private InetSocketAddress remoteAddress = LOOPBACK;
    private String scheme = "http";
    private String mountPath = "";
    private List<X509Certificate> clientCertificates = List.of();
    private Flow.Publisher<ByteBuffer> tunnel;

    private Builder(String method, String target) {
      method(method);
      Objects.requireNonNull(target, "target");
      int q = target.indexOf('?');
      if (q >= 0) {
        path(target.substring(0, q));
        rawQuery = target.substring(q + 1);
      } else {
        path(target);
      }
    }

    /**
     * Sets the method.
     *
     * @param method a token such as {@code GET}
     * @return this builder
     */
    public Builder method(String method) {
      Objects.requireNonNull(method, "method");
      if (!HttpHeaders.isValidName(method)) {
        throw new IllegalArgumentException("method: '" + method + "' (expected: an RFC 9110 token)");
      }
      this.method = method;
      return this;
    }

    /**
     * Sets the percent-encoded path, without a query.
     *
     * @param path the path
     * @return this builder
     */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the raw query.
     *
     * @param rawQuery the query without {@code ?}
     * @return this builder
     */
    public Builder rawQuery(String rawQuery) {
      this.rawQuery = Objects.requireNonNull(rawQuery, "rawQuery");
      return this;
    }

    /**
     * Removes the query.
     *
     * @return this builder
     */
    public Builder noQuery() {
      this.rawQuery = null;
      return this;
    }

    /**
     * Replaces the headers.
     *
     * @param headers the new headers
     * @return this builder
     */
    public Builder headers(HttpHeaders headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /**
     * Appends a header value.
     *
     * @param name the field name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      this.headers = headers.toBuilder().add(name, value).build();
      return this;
    }

    /**
     * Sets the body.
     *
     * @param body the body
     * @return this builder
     */
    public Builder body(Body body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /**
     * Sets the peer's address.
     *
     * @param remoteAddress where the request came from
     * @return this builder
     */
    public Builder remoteAddress(InetSocketAddress remoteAddress) {
      this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
      return this;
    }

    /**
     * Sets the scheme the request arrived with.
     *
     * @param scheme {@code http} or {@code https}
     * @return this builder
     */
    public Builder scheme(String scheme) {
      Objects.requireNonNull(scheme, "scheme");
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("scheme: '" + scheme + "' (expected: http or https)");
      }
      this.scheme = scheme;
      return this;
    }

    /**
     * Sets the path prefix under which the gateway is mounted; adapters set it, see
     * {@link Request#mountPath()}.
     *
     * @param mountPath {@code ""}, or a path that starts with {@code /} and does not end with it,
     *     such as {@code /gw}
     * @return this builder
     * @since 0.1
     */
    public Builder mountPath(String mountPath) {
      Objects.requireNonNull(mountPath, "mountPath");
      if (!mountPath.isEmpty() && (!mountPath.startsWith("/") || mountPath.endsWith("/"))) {
        throw new IllegalArgumentException(
            "mountPath: '" + mountPath + "' (expected: \"\" or a path that starts with / and does not end with /, such as /gw)");
      }
      this.mountPath = mountPath;
      return this;
    }

    /**
     * Sets the client's verified certificate chain; adapters set it from the TLS session, see
     * {@link Request#clientCertificates()}.
     *
     * @param chain the chain, the client's own certificate first; empty for none
     * @return this builder
     * @since 0.2
     */
    public Builder clientCertificates(List<X509Certificate> chain) {
      this.clientCertificates = List.copyOf(Objects.requireNonNull(chain, "chain"));
      return this;
    }

    /**
     * Sets the client's bytes after a protocol switch; see {@link Request#tunnel()}.
     *
     * @param fromClient the client's bytes once the connection has switched
     * @return this builder
     * @since 0.2
     */
    public Builder tunnel(Flow.Publisher<ByteBuffer> fromClient) {
      this.tunnel = Objects.requireNonNull(fromClient, "fromClient");
      return this;
    }

    /**
     * Removes the client's bytes after a protocol switch: the request is an ordinary one.
     *
     * @return this builder
     * @since 0.2
     */
    public Builder noTunnel() {
      this.tunnel = null;
      return this;
    }

    /**
     * The immutable request.
     *
     * @return the request
     */
    public Request build() {
      return new Request(this);
    }
  }
}
