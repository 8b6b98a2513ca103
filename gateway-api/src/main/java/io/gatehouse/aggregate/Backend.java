package io.gatehouse.aggregate;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One call of an {@link Aggregation}: a {@code GET} to an upstream group whose JSON answer is put
 * in the aggregated response under {@link #key()}. The call goes through the gateway's upstream
 * machinery like a proxied one (load balancing, health checks, outlier detection, the connection
 * pool, spans and the request's record), with this backend's own timeout, retry and circuit breaker.
 *
 * <p>The <b>path template</b> is a path with an optional query, such as
 * {@code /users/{id}/orders?limit=20&since={since}}: each {@code {name}} is a path variable of the
 * route (of every one of its path patterns) or a variable {@linkplain #bind bound} to a value of an
 * earlier step's answer, and is percent-encoded where it lands (a value cannot add a path segment
 * or a query parameter). Header values set with {@link #header} may use the same variables.
 *
 * <p><b>Headers sent</b>: {@code Accept: application/json}, the request id, the trace context, the
 * forwarding headers ({@code X-Forwarded-*} as the gateway sets them), the identity headers the
 * gateway set after authentication, the route's {@code setRequestHeader} changes, the client's
 * {@code Accept-Language} and {@code User-Agent}, then the client headers named in
 * {@link #forwardHeaders} and the headers set with {@link #header}. The client's
 * {@code Authorization} and {@code Cookie} are <em>not</em> sent unless named: a credential meant
 * for the gateway should not reach every service an aggregate calls.
 *
 * <p><b>Answers</b>: a 2xx with a JSON body (any {@code Content-Type} that is
 * {@code application/json} or ends in {@code +json}, or none) is the backend's value; a 204 or an
 * empty body is JSON {@code null}. Anything else is the backend's failure: a required backend's
 * failure fails the request with a problem naming the backend: a 400, 403, 404, 409, 410, 422 or
 * 429 (with its {@code Retry-After}) with that status, as it is about what the client asked for; a
 * timeout with 504; an open circuit or no available target with 503; every other status (a 401 or
 * 405, whose challenge or {@code Allow} belong to the backend, too) and failure with 502. The
 * backend's error body is not passed on. An optional backend's failure leaves its value
 * {@code null} and marks the response partial.
 *
 * <pre>{@code
 * Backend.of("orders", Upstream.of("http://orders:8080"), "/orders?user={id}")
 *     .optional()
 *     .timeout(Duration.ofMillis(300))
 *     .deny("/internalNotes")
 * }</pre>
 *
 * @since 0.2
 */
public final class Backend {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  /** The default of {@link #maxBodyBytes()}: 1 MiB. */
  private static final long DEFAULT_MAX_BODY = 1 << 20;

  private final String key;
  private final Upstream upstream;
  private final String path;
  private final boolean required;
  private final Optional<Duration> timeout;
  private final Optional<Retry> retry;
  private final Optional<CircuitBreaker> circuitBreaker;
  private final List<String> forwardHeaders;
  private final Map<String, String> headers;
  private final Map<String, Binding> bindings;
  private final List<String> allow;
  private final List<String> deny;
  private final long maxBodyBytes;

  /**
   * A variable of a backend's templates whose value comes from an earlier step's answer.
   *
   * @param backend the key of the backend whose answer holds the value
   * @param pointer an RFC 6901 JSON Pointer into that answer (after its field filter), such as
   *     {@code /company/id}; checked at build()
   * @since 0.2
   */
  public record Binding(String backend, String pointer) {
    /**
     * Checks that no component is null.
     *
     * @param backend the key of the backend whose answer holds the value
     * @param pointer the JSON Pointer
     */
    public Binding {
      Objects.requireNonNull(backend, "backend");
      Objects.requireNonNull(pointer, "pointer");
    }
  }

  private Backend(String key, Upstream upstream, String path, boolean required, Optional<Duration> timeout,
      Optional<Retry> retry, Optional<CircuitBreaker> circuitBreaker, List<String> forwardHeaders,
      Map<String, String> headers, Map<String, Binding> bindings, List<String> allow, List<String> deny,
      long maxBodyBytes) {
    this.key = key;
    this.upstream = upstream;
    this.path = path;
    this.required = required;
    this.timeout = timeout;
    this.retry = retry;
    this.circuitBreaker = circuitBreaker;
    this.forwardHeaders = List.copyOf(forwardHeaders);
    this.headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.bindings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
    this.allow = List.copyOf(allow);
    this.deny = List.copyOf(deny);
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * A required backend, with a body of at most 1 MiB, the route's timeout and no retry.
   *
   * @param key where its answer goes in the aggregated response: 1 to 64 of letters, digits,
   *     {@code _} and {@code -}; unique in the aggregation
   * @param upstream the upstream group
   * @param pathTemplate the path and query, starting with {@code /}; checked at build()
   * @return the backend
   */
  public static Backend of(String key, Upstream upstream, String pathTemplate) {
    Objects.requireNonNull(key, "key");
    if (!KEY.matcher(key).matches()) {
      throw Check.invalid("backend key", "'" + key + "'", "1 to 64 of letters, digits, '_', '-'");
    }
    return new Backend(key, Objects.requireNonNull(upstream, "upstream"),
        Objects.requireNonNull(pathTemplate, "pathTemplate"), true, Optional.empty(), Optional.empty(),
        Optional.empty(), List.of(), Map.of(), Map.of(), List.of(), List.of(), DEFAULT_MAX_BODY);
  }

  /**
   * A required backend on one URL: {@code of(key, Upstream.of(url), pathTemplate)}.
   *
   * @param key where its answer goes in the aggregated response
   * @param url an absolute {@code http} or {@code https} URL, checked at build()
   * @param pathTemplate the path and query, starting with {@code /}
   * @return the backend
   */
  public static Backend of(String key, String url, String pathTemplate) {
    return of(key, Upstream.of(Objects.requireNonNull(url, "url")), pathTemplate);
  }

  /**
   * Makes the backend optional: when it fails, its value is {@code null}, the response is marked
   * partial, and the request still succeeds.
   *
   * @return a changed copy
   */
  public Backend optional() {
    return new Backend(key, upstream, path, false, timeout, retry, circuitBreaker, forwardHeaders, headers, bindings,
        allow, deny, maxBodyBytes);
  }

  /**
   * Bounds this backend's call, every attempt, its body and retries included, within the route's
   * {@code timeout}; past it the backend has failed with a timeout.
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public Backend timeout(Duration timeout) {
    Check.positive("backend '" + key + "': timeout", Objects.requireNonNull(timeout, "timeout"));
    return new Backend(key, upstream, path, required, Optional.of(timeout), retry, circuitBreaker, forwardHeaders,
        headers, bindings, allow, deny, maxBodyBytes);
  }

  /**
   * Retries this backend's failed calls, as a route's {@link Retry} does (its budget is this
   * backend's own).
   *
   * @param retry the policy
   * @return a changed copy
   */
  public Backend retry(Retry retry) {
    return new Backend(key, upstream, path, required, timeout, Optional.of(Objects.requireNonNull(retry, "retry")),
        circuitBreaker, forwardHeaders, headers, bindings, allow, deny, maxBodyBytes);
  }

  /**
   * Guards this backend with its own circuit breaker: while it is open, the backend fails at once
   * (503 when it is required).
   *
   * @param breaker the breaker's settings
   * @return a changed copy
   */
  public Backend circuitBreaker(CircuitBreaker breaker) {
    return new Backend(key, upstream, path, required, timeout, retry,
        Optional.of(Objects.requireNonNull(breaker, "breaker")), forwardHeaders, headers, bindings, allow, deny,
        maxBodyBytes);
  }

  /**
   * Sends these client headers to the backend as well, such as {@code Authorization}.
   *
   * @param names header names
   * @return a changed copy
   */
  public Backend forwardHeaders(String... names) {
    List<String> all = new ArrayList<>(forwardHeaders);
    for (String name : names) {
      all.add(headerName(name));
    }
    return new Backend(key, upstream, path, required, timeout, retry, circuitBreaker, all, headers, bindings, allow,
        deny, maxBodyBytes);
  }

  /**
   * Sets a request header, replacing any value; the value may use the template's variables.
   *
   * @param name the header name
   * @param valueTemplate the value, such as {@code tenant-{tenant}}; checked at build()
   * @return a changed copy
   */
  public Backend header(String name, String valueTemplate) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(headerName(name), Objects.requireNonNull(valueTemplate, "valueTemplate"));
    return new Backend(key, upstream, path, required, timeout, retry, circuitBreaker, forwardHeaders, all, bindings,
        allow, deny, maxBodyBytes);
  }

  /**
   * Binds a variable of this backend's templates to a value in an earlier step's answer: a
   * string, number or boolean (a string is used as it is, a number in its JSON form). When that
   * answer is missing or holds no such value, this backend fails (a required one fails the request).
   *
   * @param variable the variable's name, as in {@code {companyId}}
   * @param backend the key of a backend of an earlier step
   * @param pointer an RFC 6901 JSON Pointer into its answer, such as {@code /company/id}
   * @return a changed copy
   */
  public Backend bind(String variable, String backend, String pointer) {
    Objects.requireNonNull(variable, "variable");
    if (!VARIABLE.matcher(variable).matches()) {
      throw Check.invalid("backend '" + key + "': bind", "'" + variable + "'",
          "a letter or '_', then up to 63 of letters, digits, '_'");
    }
    Map<String, Binding> all = new LinkedHashMap<>(bindings);
    all.put(variable, new Binding(backend, pointer));
    return new Backend(key, upstream, path, required, timeout, retry, circuitBreaker, forwardHeaders, headers, all,
        allow, deny, maxBodyBytes);
  }

  /**
   * Keeps only these parts of the answer (an allow-list), before it is merged: each an RFC 6901
   * JSON Pointer such as {@code /name} or {@code /address/city}; the objects on the way are kept
   * with only the allowed members.
   *
   * @param pointers JSON Pointers, checked at build()
   * @return a changed copy
   */
  public Backend allow(String... pointers) {
    List<String> all = new ArrayList<>(allow);
    for (String p : pointers) {
      all.add(Objects.requireNonNull(p, "pointer"));
    }
    return new Backend(key, upstream, path, required, timeout, retry, circuitBreaker, forwardHeaders, headers,
        bindings, all, deny, maxBodyBytes);
  }

  /**
   * Removes these parts of the answer (a deny-list), after the allow-list, before it is merged.
   *
   * @param pointers JSON Pointers, checked at build()
   * @return a changed copy
   */
  public Backend deny(String... pointers) {
    List<String> all = new ArrayList<>(deny);
    for (String p : pointers) {
      all.add(Objects.requireNonNull(p, "pointer"));
    }
    return new Backend(key, upstream, path, required, timeout, retry, circuitBreaker, forwardHeaders, headers,
        bindings, allow, all, maxBodyBytes);
  }

  /**
   * Sets the largest answer body read; a backend that sends more has failed (never buffered past it).
   *
   * @param bytes more than zero
   * @return a changed copy
   */
  public Backend maxBodyBytes(long bytes) {
    Check.positive("backend '" + key + "': maxBodyBytes", bytes);
    return new Backend(key, upstream, path, required, timeout, retry, circuitBreaker, forwardHeaders, headers,
        bindings, allow, deny, bytes);
  }

  /**
   * Where the answer goes in the aggregated response.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * The upstream group called.
   *
   * @return the group
   */
  public Upstream upstream() {
    return upstream;
  }

  /**
   * The path and query template.
   *
   * @return the template
   */
  public String path() {
    return path;
  }

  /**
   * Whether the request fails when this backend does; true unless {@link #optional()}.
   *
   * @return the setting
   */
  public boolean required() {
    return required;
  }

  /**
   * The bound on this backend's call.
   *
   * @return the timeout, or empty for the route's
   */
  public Optional<Duration> timeout() {
    return timeout;
  }

  /**
   * The retry policy.
   *
   * @return the policy, or empty for none
   */
  public Optional<Retry> retry() {
    return retry;
  }

  /**
   * The circuit breaker's settings.
   *
   * @return the settings, or empty for none
   */
  public Optional<CircuitBreaker> circuitBreaker() {
    return circuitBreaker;
  }

  /**
   * The client headers sent beside the default ones.
   *
   * @return header names, in order
   */
  public List<String> forwardHeaders() {
    return forwardHeaders;
  }

  /**
   * The headers set, by name, with their value templates.
   *
   * @return the headers, in order
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * The variables bound to earlier answers.
   *
   * @return the bindings by variable name, in order
   */
  public Map<String, Binding> bindings() {
    return bindings;
  }

  /**
   * The allow-list of the field filter.
   *
   * @return JSON Pointers; empty to keep everything
   */
  public List<String> allow() {
    return allow;
  }

  /**
   * The deny-list of the field filter.
   *
   * @return JSON Pointers
   */
  public List<String> deny() {
    return deny;
  }

  /**
   * The largest answer body read, in bytes.
   *
   * @return the cap
   */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Whether another Backend has equal settings.
   *
   * @param o the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Backend b && key.equals(b.key) && upstream.equals(b.upstream) && path.equals(b.path)
        && required == b.required && timeout.equals(b.timeout) && retry.equals(b.retry)
        && circuitBreaker.equals(b.circuitBreaker) && forwardHeaders.equals(b.forwardHeaders)
        && headers.equals(b.headers) && bindings.equals(b.bindings) && allow.equals(b.allow) && deny.equals(b.deny)
        && maxBodyBytes == b.maxBodyBytes;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(key, upstream, path, required, timeout, retry, circuitBreaker, forwardHeaders, headers,
        bindings, allow, deny, maxBodyBytes);
  }

  @Override
  public String toString() {
    return Text.fields(this, "key", key, "upstream", upstream, "path", path, "required", required, "timeout", timeout,
        "retry", retry, "circuitBreaker", circuitBreaker, "forwardHeaders", forwardHeaders, "headers", headers,
        "bindings", bindings, "allow", allow, "deny", deny, "maxBodyBytes", maxBodyBytes);
  }

  private String headerName(String name) {
    Objects.requireNonNull(name, "name");
    if (!HttpHeaders.isValidName(name)) {
      throw Check.invalid("backend '" + key + "': header", "'" + name + "'", "an RFC 9110 token");
    }
    return name;
  }
}
