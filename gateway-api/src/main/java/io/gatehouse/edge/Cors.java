package io.gatehouse.edge;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which web pages, by origin, may call a route from a browser: Cross-Origin Resource Sharing as the
 * Fetch standard defines it, answered by the gateway for the whole gateway
 * ({@code Gateway.Builder.cors}) or one route ({@code RouteBuilder.cors}, which replaces the
 * gateway's; {@link #none()} turns it off there). Immutable: every setter returns a changed copy.
 *
 * <pre>{@code
 * Gateway.builder()
 *     .cors(Cors.allowOrigins("https://app.example.com", "https://*.example.com")
 *         .allowMethods("PUT", "DELETE").allowHeaders("Content-Type", "Authorization")
 *         .exposeHeaders("X-Request-Id").allowCredentials(true).maxAge(Duration.ofMinutes(10)))
 *     .route("public", r -> r.path("/status").cors(Cors.allowAnyOrigin()).upstream("http://status:8080"))
 *     .route("internal", r -> r.path("/internal/**").cors(Cors.none()).upstream("http://internal:8080"))
 * }</pre>
 *
 * <p><b>Origins.</b> An origin is written as browsers send it in the {@code Origin} header and is
 * compared exactly: {@code scheme://host} or {@code scheme://host:port}, all lower case, without a
 * path, a trailing {@code /}, user info, or the scheme's default port ({@code https://app.example.com},
 * not {@code https://app.example.com:443/}). Hosts are ASCII (internationalized names in their
 * {@code xn--} form) or IP literals ({@code http://127.0.0.1:8080}, {@code http://[::1]:3000}).
 * Any scheme is allowed, so that {@code capacitor://localhost} works. Such mistakes are not
 * corrected quietly: {@code build()} reports them, naming the route and what to write instead,
 * because an allow list should compare exactly what it says. The origin {@code null}, which
 * browsers send from sandboxed frames, {@code file:} pages and some redirects, is allowed only when
 * listed as {@code "null"}, never by {@link #allowAnyOrigin()}, and never with credentials: any
 * page can make its requests carry it.
 *
 * <p><b>Origin patterns.</b> {@code *} may stand for the whole first label of the host, followed by
 * at least two labels: {@code https://*.example.com} matches {@code https://app.example.com} and
 * {@code https://a.b.example.com} (one or more whole labels of letters, digits, {@code -} and
 * {@code _}, as the route host patterns match), but not {@code https://example.com},
 * {@code https://evilexample.com}, {@code https://app.example.com.evil.net},
 * {@code http://app.example.com} or {@code https://app.example.com:8443}; the scheme and the port
 * are compared exactly. No other wildcard exists: not in the scheme, the port, or inside a label.
 * {@code build()} refuses {@code https://*.com}, but cannot tell a public suffix such as
 * {@code co.uk} from a domain: {@code https://*.co.uk} would allow every site under it.
 *
 * <p><b>What the gateway does</b> on a route with a policy, before the global filters and
 * authentication:
 * <ul>
 *   <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 *       goes to the route its actual request would go to, and is answered there without reaching
 *       the upstream: 204 with {@code Access-Control-Allow-Origin}, {@code -Allow-Methods},
 *       {@code -Allow-Headers} (when headers were requested), {@code -Allow-Credentials} and
 *       {@code -Max-Age} when the origin, the method and every requested header are allowed;
 *       otherwise 403 problem+json without any {@code Access-Control-*} header (400 when those
 *       request headers are malformed). Either way it varies on {@code Origin},
 *       {@code Access-Control-Request-Method} and {@code Access-Control-Request-Headers}. A
 *       preflight carries no credentials, cookies or custom headers: a route that matches on those
 *       (or on a predicate about them) does not take it, so give the path a route without such a
 *       condition, or the preflight gets 404 or 405. Preflights pass no rate limit.
 *   <li>Any other request goes on as usual (browsers, not servers, enforce CORS). Its response,
 *       the upstream's or one the gateway makes (401, 429, 502, ...), loses every
 *       {@code Access-Control-*} header the upstream or a filter set, gains
 *       {@code Access-Control-Allow-Origin}, {@code -Allow-Credentials} and {@code -Expose-Headers}
 *       when the origin is allowed, and gains {@code Origin} in {@code Vary}.
 * </ul>
 *
 * @since 0.2
 */
public final class Cors {
  private static final Cors NONE = new Cors(false, List.of(), false, List.of(), List.of(), false, List.of(), false,
      Optional.empty());

  private final boolean enabled;
  private final List<String> origins;
  private final boolean anyOrigin;
  private final List<String> methods;
  private final List<String> headers;
  private final boolean anyHeader;
  private final List<String> exposedHeaders;
  private final boolean credentials;
  private final Optional<Duration> maxAge;

  private Cors(boolean enabled, List<String> origins, boolean anyOrigin, List<String> methods, List<String> headers,
      boolean anyHeader, List<String> exposedHeaders, boolean credentials, Optional<Duration> maxAge) {
    this.enabled = enabled;
    this.origins = origins;
    this.anyOrigin = anyOrigin;
    this.methods = methods;
    this.headers = headers;
    this.anyHeader = anyHeader;
    this.exposedHeaders = exposedHeaders;
    this.credentials = credentials;
    this.maxAge = maxAge;
  }

  /**
   * Allows pages of these origins. Checked at {@code build()}: see the class comment for the form
   * of an origin and of a pattern.
   *
   * <p>{@code Cors.allowOrigins("https://app.example.com", "https://*.example.com", "http://localhost:3000")}
   *
   * @param origins origins such as {@code https://app.example.com}, patterns such as
   *     {@code https://*.example.com}, or {@code null}; at least one
   * @return a policy that allows them, every method the route takes, and no request header beyond
   *     the CORS-safelisted ones, without credentials
   */
  public static Cors allowOrigins(String... origins) {
    return new Cors(true, copy("origin", origins), false, List.of(), List.of(), false, List.of(), false,
        Optional.empty());
  }

  /**
   * Allows pages of every origin but {@code null}, answering {@code Access-Control-Allow-Origin: *}:
   * for public data. Not with {@link #allowCredentials(boolean) credentials} (a {@code build()}
   * error, as the Fetch standard refuses {@code *} with credentials).
   *
   * <p>{@code r.path("/status").cors(Cors.allowAnyOrigin())}
   *
   * @return a policy that allows any origin
   */
  public static Cors allowAnyOrigin() {
    return new Cors(true, List.of(), true, List.of(), List.of(), false, List.of(), false, Optional.empty());
  }

  /**
   * No CORS: the gateway neither answers preflights nor adds or removes {@code Access-Control-*}
   * headers; the upstream's go through untouched. The gateway's default; on a route, it turns off
   * the gateway's policy.
   *
   * <p>{@code r.path("/internal/**").cors(Cors.none())}
   *
   * @return the policy that does nothing
   */
  public static Cors none() {
    return NONE;
  }

  /**
   * Allows these methods in preflights too, replacing any set before. Without it, every method the
   * route takes is allowed. {@code GET}, {@code HEAD} and {@code POST} are CORS-safelisted: browsers
   * send them without asking first (or ask only for their headers), so they are always allowed
   * where the route takes them. Checked at {@code build()}: case-sensitive RFC 9110 tokens the
   * gateway knows, not the Fetch standard's forbidden {@code CONNECT}, {@code TRACE} and
   * {@code TRACK}, not {@code *}.
   *
   * @param methods such as {@code PUT}, {@code DELETE}
   * @return a changed copy
   * @throws IllegalStateException on {@link #none()}
   */
  public Cors allowMethods(String... methods) {
    enabled("allowMethods");
    return new Cors(true, origins, anyOrigin, copy("method", methods), headers, anyHeader, exposedHeaders, credentials,
        maxAge);
  }

  /**
   * Allows these request headers, compared ignoring case, replacing any set before. Without it,
   * only the CORS-safelisted headers, which browsers do not ask about, are allowed; note that a
   * {@code Content-Type} other than a form's or {@code text/plain} (such as
   * {@code application/json}) is not safelisted and must be listed. Checked at {@code build()}:
   * RFC 9110 tokens, not {@code *} (see {@link #allowAnyHeader()}).
   *
   * @param names such as {@code Content-Type}, {@code Authorization}, {@code X-Tenant}
   * @return a changed copy
   * @throws IllegalStateException on {@link #none()}
   */
  public Cors allowHeaders(String... names) {
    enabled("allowHeaders");
    return new Cors(true, origins, anyOrigin, methods, copy("header", names), false, exposedHeaders, credentials,
        maxAge);
  }

  /**
   * Allows every request header a preflight asks about: the answer lists them by name rather than
   * {@code *}, which does not cover {@code Authorization} and means a header named {@code *} with
   * credentials. Replaces {@link #allowHeaders}.
   *
   * @return a changed copy
   * @throws IllegalStateException on {@link #none()}
   */
  public Cors allowAnyHeader() {
    enabled("allowAnyHeader");
    return new Cors(true, origins, anyOrigin, methods, List.of(), true, exposedHeaders, credentials, maxAge);
  }

  /**
   * Lets pages read these response headers beyond the CORS-safelisted ones
   * ({@code Cache-Control}, {@code Content-Language}, {@code Content-Length}, {@code Content-Type},
   * {@code Expires}, {@code Last-Modified}, {@code Pragma}), replacing any set before. Checked at
   * {@code build()}: RFC 9110 tokens; {@code *} (every header) only without credentials.
   *
   * @param names such as {@code X-Request-Id}, {@code RateLimit}, {@code WWW-Authenticate}
   * @return a changed copy
   * @throws IllegalStateException on {@link #none()}
   */
  public Cors exposeHeaders(String... names) {
    enabled("exposeHeaders");
    return new Cors(true, origins, anyOrigin, methods, headers, anyHeader, copy("header", names), credentials, maxAge);
  }

  /**
   * Whether pages may send credentials (cookies, HTTP authentication, TLS client certificates) and
   * read the answers: {@code Access-Control-Allow-Credentials: true}. Off by default. Only with
   * {@link #allowOrigins listed origins} other than {@code null} (checked at {@code build()}).
   *
   * @param allow true to allow credentials
   * @return a changed copy
   * @throws IllegalStateException on {@link #none()}
   */
  public Cors allowCredentials(boolean allow) {
    enabled("allowCredentials");
    return new Cors(true, origins, anyOrigin, methods, headers, anyHeader, exposedHeaders, allow, maxAge);
  }

  /**
   * How long browsers may cache a preflight's answer ({@code Access-Control-Max-Age}, in whole
   * seconds; a fraction is dropped). Without it the header is not sent and browsers cache for 5
   * seconds; browsers cap it (2 hours in Chromium, 24 hours in Firefox). Zero turns caching off.
   *
   * @param maxAge zero or more
   * @return a changed copy
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException on {@link #none()}
   */
  public Cors maxAge(Duration maxAge) {
    enabled("maxAge");
    Check.notNegative("cors: maxAge", maxAge);
    return new Cors(true, origins, anyOrigin, methods, headers, anyHeader, exposedHeaders, credentials,
        Optional.of(maxAge));
  }

  /**
   * Whether this policy does anything: false only for {@link #none()}.
   *
   * @return true for a policy made by {@link #allowOrigins} or {@link #allowAnyOrigin()}
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * The origins and origin patterns allowed.
   *
   * @return as given, in order; empty for {@link #allowAnyOrigin()} and {@link #none()}
   */
  public List<String> origins() {
    return origins;
  }

  /**
   * Whether every origin but {@code null} is allowed.
   *
   * @return true for {@link #allowAnyOrigin()}
   */
  public boolean allowsAnyOrigin() {
    return anyOrigin;
  }

  /**
   * The methods allowed in preflights.
   *
   * @return as given, in order; empty means every method the route takes
   */
  public List<String> methods() {
    return methods;
  }

  /**
   * The request headers allowed beyond the CORS-safelisted ones.
   *
   * @return as given, in order; empty with {@link #allowAnyHeader()}
   */
  public List<String> headers() {
    return headers;
  }

  /**
   * Whether every request header a preflight asks about is allowed.
   *
   * @return true after {@link #allowAnyHeader()}
   */
  public boolean allowsAnyHeader() {
    return anyHeader;
  }

  /**
   * The response headers pages may read beyond the CORS-safelisted ones.
   *
   * @return as given, in order
   */
  public List<String> exposedHeaders() {
    return exposedHeaders;
  }

  /**
   * Whether credentials are allowed.
   *
   * @return true after {@code allowCredentials(true)}
   */
  public boolean allowsCredentials() {
    return credentials;
  }

  /**
   * How long browsers may cache a preflight's answer.
   *
   * @return the duration; empty when no {@code Access-Control-Max-Age} is sent
   */
  public Optional<Duration> maxAge() {
    return maxAge;
  }

  private void enabled(String setting) {
    if (!enabled) {
      throw new IllegalStateException("cors: " + setting + " on Cors.none() (expected: a policy made by"
          + " Cors.allowOrigins(...) or Cors.allowAnyOrigin())");
    }
  }

  private static List<String> copy(String what, String[] values) {
    Objects.requireNonNull(values, what + "s");
    List<String> list = new ArrayList<>(values.length);
    for (String v : values) {
      list.add(Objects.requireNonNull(v, what));
    }
    return List.copyOf(list);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cors c && enabled == c.enabled && origins.equals(c.origins) && anyOrigin == c.anyOrigin
        && methods.equals(c.methods) && headers.equals(c.headers) && anyHeader == c.anyHeader
        && exposedHeaders.equals(c.exposedHeaders) && credentials == c.credentials && maxAge.equals(c.maxAge);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, origins, anyOrigin, methods, headers, anyHeader, exposedHeaders, credentials, maxAge);
  }

  /** {@code Cors.none()}, or {@code Cors[origins=[...], methods=..., ...]}. */
  @Override
  public String toString() {
    if (!enabled) {
      return "Cors.none()";
    }
    return Text.fields(this, "origins", anyOrigin ? "any" : origins, "methods", methods.isEmpty() ? "route's" : methods,
        "headers", anyHeader ? "any" : headers, "exposedHeaders", exposedHeaders, "credentials", credentials,
        "maxAge", maxAge);
  }
}
