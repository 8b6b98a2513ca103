package io.gatehouse.edge;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The security headers the gateway puts on every response, and the banners it takes off. An
 * immutable value: each setter returns a changed copy and rejects nonsense at once.
 *
 * <pre>{@code
 * Gateway.builder()
 *     .securityHeaders(SecurityHeaders.defaults())                      // every route
 *     .route("app", r -> r.path("/app/**").upstream("http://app:8080")
 *         .securityHeaders(SecurityHeaders.defaults().frameOptions(SecurityHeaders.FrameOptions.SAMEORIGIN)))
 *     .route("legacy", r -> r.path("/legacy/**").upstream("http://legacy:8080")
 *         .securityHeaders(SecurityHeaders.none()));
 * }</pre>
 *
 * <table>
 *   <caption>What {@link #defaults()} does, and who wins when the upstream sent the header</caption>
 *   <tr><th>header</th><th>default</th><th>the upstream's own</th></tr>
 *   <tr><td>{@code Strict-Transport-Security}</td><td>{@code max-age=31536000; includeSubDomains},
 *       only on responses to requests that arrived over TLS</td><td>replaced: the gateway knows how
 *       the client connected, the upstream does not</td></tr>
 *   <tr><td>{@code X-Content-Type-Options}</td><td>{@code nosniff}</td><td>replaced: it has no other
 *       value</td></tr>
 *   <tr><td>{@code Referrer-Policy}</td><td>{@code no-referrer}</td><td>kept</td></tr>
 *   <tr><td>{@code X-Frame-Options}</td><td>{@code DENY}</td><td>kept</td></tr>
 *   <tr><td>{@code Content-Security-Policy}</td><td>{@code frame-ancestors 'none'}, only when the
 *       upstream sent no {@code Content-Security-Policy}</td><td>kept, and nothing added: a second
 *       policy header would narrow the upstream's own</td></tr>
 *   <tr><td>{@code Server}, {@code X-Powered-By}</td><td>removed</td><td>removed</td></tr>
 * </table>
 *
 * <p><b>TLS.</b> A request arrived over TLS when the server adapter says so ({@code https}), or
 * when the peer is a trusted proxy whose {@code X-Forwarded-Proto} names {@code https} first. Over
 * plain HTTP the gateway adds no {@code Strict-Transport-Security} (browsers ignore it there, RFC
 * 6797 §8.1) and leaves the upstream's as it is.
 *
 * <p><b>Referrer policy.</b> {@code no-referrer}, as Helmet and the OWASP Secure Headers Project
 * recommend: an API's URLs carry ids and sometimes tokens that no third party should see. Browsers
 * already default to {@code strict-origin-when-cross-origin}, so sending that would change
 * nothing; an application that needs more sets its own header, which is kept.
 *
 * <p><b>Which responses.</b> Every response the gateway returns: the upstream's, a route's static
 * response, and the gateway's own answers (404, 401, 403, 413, 429, 502, 503, 504 problem
 * responses), which have no upstream headers, so every default applies. They are applied last,
 * after a route's response header changes ({@code setResponseHeader} and the others), which count
 * as the upstream's own values. The answers a server adapter makes before the gateway sees a
 * request (a malformed request line, say) are the adapter's own.
 *
 * <p><b>Gateway and route.</b> A route's value replaces the gateway's; {@link #none()} turns the
 * headers off for a route. The gateway's value applies to requests that match no route. The
 * gateway's default is {@link #none()}.
 *
 * @since 0.2
 */
public final class SecurityHeaders {
  /** One year, in seconds: the default max-age, and the least that preload lists take. */
  private static final long ONE_YEAR = 31_536_000;

  /** The W3C Referrer Policy's tokens, compared exactly (they are lower case). */
  private static final List<String> REFERRER_POLICIES = List.of("no-referrer", "no-referrer-when-downgrade",
      "same-origin", "origin", "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin",
      "unsafe-url");

  private static final SecurityHeaders NONE = new SecurityHeaders(-1, false, false, false, null, null, false, false);
  private static final SecurityHeaders DEFAULTS =
      new SecurityHeaders(ONE_YEAR, true, false, true, "no-referrer", FrameOptions.DENY, true, true);

  private final long hstsMaxAge; // seconds; -1 for no HSTS
  private final boolean hstsIncludeSubDomains;
  private final boolean hstsPreload;
  private final boolean contentTypeOptions;
  private final String referrerPolicy; // null for none
  private final FrameOptions frameOptions; // null for none
  private final boolean removeServer;
  private final boolean removePoweredBy;

  private SecurityHeaders(long hstsMaxAge, boolean hstsIncludeSubDomains, boolean hstsPreload,
      boolean contentTypeOptions, String referrerPolicy, FrameOptions frameOptions, boolean removeServer,
      boolean removePoweredBy) {
    this.hstsMaxAge = hstsMaxAge;
    this.hstsIncludeSubDomains = hstsIncludeSubDomains;
    this.hstsPreload = hstsPreload;
    this.contentTypeOptions = contentTypeOptions;
    this.referrerPolicy = referrerPolicy;
    this.frameOptions = frameOptions;
    this.removeServer = removeServer;
    this.removePoweredBy = removePoweredBy;
  }

  /**
   * The recommended set: see the table in the class comment.
   *
   * @return HSTS for a year with subdomains (over TLS), {@code nosniff}, {@code no-referrer},
   *     {@code DENY} framing, and no {@code Server} or {@code X-Powered-By}
   */
  public static SecurityHeaders defaults() {
    return DEFAULTS;
  }

  /**
   * Nothing added and nothing removed: responses leave as the upstream (or the gateway) made them.
   * The gateway's default; on a route, it turns off the gateway's headers.
   *
   * @return the empty set
   */
  public static SecurityHeaders none() {
    return NONE;
  }

  /**
   * Sets {@code Strict-Transport-Security} on responses to requests that arrived over TLS.
   *
   * <p>{@code SecurityHeaders.defaults().hsts(Duration.ofDays(730), true, true)}
   *
   * @param maxAge how long browsers remember to use only HTTPS: zero or more, in whole seconds
   *     (zero tells them to forget)
   * @param includeSubDomains whether the rule covers every subdomain too
   * @param preload whether to ask for inclusion in the browsers' preload lists, which requires a
   *     max-age of at least a year (31,536,000 seconds) and {@code includeSubDomains}
   * @return a copy with this HSTS
   * @throws IllegalArgumentException if max-age is negative or has a fraction of a second, or
   *     preload lacks what the preload lists require
   */
  public SecurityHeaders hsts(Duration maxAge, boolean includeSubDomains, boolean preload) {
    Check.notNegative("securityHeaders.hsts.maxAge", maxAge);
    if (maxAge.getNano() != 0) {
      throw Check.invalid("securityHeaders.hsts.maxAge", maxAge, "whole seconds");
    }
    long seconds = maxAge.getSeconds();
    if (preload && (seconds < ONE_YEAR || !includeSubDomains)) {
      throw Check.invalid("securityHeaders.hsts.preload", "max-age=" + seconds
          + (includeSubDomains ? "; includeSubDomains" : ""), "max-age >= " + ONE_YEAR
          + " and includeSubDomains, as the browsers' preload lists require");
    }
    return new SecurityHeaders(seconds, includeSubDomains, preload, contentTypeOptions, referrerPolicy, frameOptions,
        removeServer, removePoweredBy);
  }

  /**
   * No {@code Strict-Transport-Security} from the gateway; the upstream's passes unchanged.
   *
   * @return a copy without HSTS
   */
  public SecurityHeaders withoutHsts() {
    return new SecurityHeaders(-1, false, false, contentTypeOptions, referrerPolicy, frameOptions, removeServer,
        removePoweredBy);
  }

  /**
   * No {@code X-Content-Type-Options} from the gateway; the upstream's passes unchanged.
   *
   * @return a copy without it
   */
  public SecurityHeaders withoutContentTypeOptions() {
    return new SecurityHeaders(hstsMaxAge, hstsIncludeSubDomains, hstsPreload, false, referrerPolicy, frameOptions,
        removeServer, removePoweredBy);
  }

  /**
   * Sets the {@code Referrer-Policy} of responses whose upstream sent none.
   *
   * <p>{@code SecurityHeaders.defaults().referrerPolicy("strict-origin-when-cross-origin")}
   *
   * @param policy one policy of the W3C Referrer Policy ({@code no-referrer},
   *     {@code no-referrer-when-downgrade}, {@code same-origin}, {@code origin},
   *     {@code strict-origin}, {@code origin-when-cross-origin},
   *     {@code strict-origin-when-cross-origin}, {@code unsafe-url}), or several separated by
   *     commas, the last one a browser knows winning
   * @return a copy with this policy
   * @throws IllegalArgumentException if a token is not one of those, in lower case
   */
  public SecurityHeaders referrerPolicy(String policy) {
    Objects.requireNonNull(policy, "policy");
    List<String> tokens = new ArrayList<>();
    for (String token : policy.split(",", -1)) {
      String t = withoutOptionalWhitespace(token);
      if (!REFERRER_POLICIES.contains(t)) {
        throw Check.invalid("securityHeaders.referrerPolicy", "'" + policy + "'",
            "one or more of " + String.join(", ", REFERRER_POLICIES) + ", separated by commas");
      }
      tokens.add(t);
    }
    return new SecurityHeaders(hstsMaxAge, hstsIncludeSubDomains, hstsPreload, contentTypeOptions,
        String.join(", ", tokens), frameOptions, removeServer, removePoweredBy);
  }

  /** The token without the spaces and tabs HTTP allows around list elements; nothing else is trimmed. */
  private static String withoutOptionalWhitespace(String token) {
    int from = 0;
    int to = token.length();
    while (from < to && (token.charAt(from) == ' ' || token.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (token.charAt(to - 1) == ' ' || token.charAt(to - 1) == '\t')) {
      to--;
    }
    return token.substring(from, to);
  }

  /**
   * No {@code Referrer-Policy} from the gateway.
   *
   * @return a copy without it
   */
  public SecurityHeaders withoutReferrerPolicy() {
    return new SecurityHeaders(hstsMaxAge, hstsIncludeSubDomains, hstsPreload, contentTypeOptions, null, frameOptions,
        removeServer, removePoweredBy);
  }

  /**
   * Sets who may show responses in a frame, for responses whose upstream did not say: the
   * {@code X-Frame-Options} header, and the {@code frame-ancestors} directive of a
   * {@code Content-Security-Policy} when the upstream sent no policy.
   *
   * @param options {@link FrameOptions#DENY} or {@link FrameOptions#SAMEORIGIN}
   * @return a copy with these options
   */
  public SecurityHeaders frameOptions(FrameOptions options) {
    return new SecurityHeaders(hstsMaxAge, hstsIncludeSubDomains, hstsPreload, contentTypeOptions, referrerPolicy,
        Objects.requireNonNull(options, "options"), removeServer, removePoweredBy);
  }

  /**
   * No {@code X-Frame-Options} and no {@code Content-Security-Policy} from the gateway.
   *
   * @return a copy without them
   */
  public SecurityHeaders withoutFrameOptions() {
    return new SecurityHeaders(hstsMaxAge, hstsIncludeSubDomains, hstsPreload, contentTypeOptions, referrerPolicy, null,
        removeServer, removePoweredBy);
  }

  /**
   * Leaves the upstream's {@code Server} header on its responses.
   *
   * @return a copy that keeps it
   */
  public SecurityHeaders keepServerHeader() {
    return new SecurityHeaders(hstsMaxAge, hstsIncludeSubDomains, hstsPreload, contentTypeOptions, referrerPolicy,
        frameOptions, false, removePoweredBy);
  }

  /**
   * Leaves the upstream's {@code X-Powered-By} header on its responses.
   *
   * @return a copy that keeps it
   */
  public SecurityHeaders keepPoweredByHeader() {
    return new SecurityHeaders(hstsMaxAge, hstsIncludeSubDomains, hstsPreload, contentTypeOptions, referrerPolicy,
        frameOptions, removeServer, false);
  }

  /**
   * The {@code Strict-Transport-Security} value set over TLS.
   *
   * @return such as {@code max-age=31536000; includeSubDomains}; empty for none
   */
  public Optional<String> hsts() {
    if (hstsMaxAge < 0) {
      return Optional.empty();
    }
    return Optional.of("max-age=" + hstsMaxAge + (hstsIncludeSubDomains ? "; includeSubDomains" : "")
        + (hstsPreload ? "; preload" : ""));
  }

  /**
   * Whether {@code X-Content-Type-Options: nosniff} is set.
   *
   * @return true if it is
   */
  public boolean contentTypeOptions() {
    return contentTypeOptions;
  }

  /**
   * The {@code Referrer-Policy} set when the upstream sent none.
   *
   * @return the policy; empty for none
   */
  public Optional<String> referrerPolicy() {
    return Optional.ofNullable(referrerPolicy);
  }

  /**
   * Who may frame responses, when the upstream did not say.
   *
   * @return the options; empty for none
   */
  public Optional<FrameOptions> frameOptions() {
    return Optional.ofNullable(frameOptions);
  }

  /**
   * The headers taken off every response.
   *
   * @return {@code Server}, {@code X-Powered-By}, both or neither
   */
  public List<String> removedHeaders() {
    List<String> names = new ArrayList<>(2);
    if (removeServer) {
      names.add("Server");
    }
    if (removePoweredBy) {
      names.add("X-Powered-By");
    }
    return List.copyOf(names);
  }

  /**
   * Whether these headers change nothing.
   *
   * @return true for {@link #none()} and its equals
   */
  public boolean isNone() {
    return equals(NONE);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecurityHeaders s && hstsMaxAge == s.hstsMaxAge
        && hstsIncludeSubDomains == s.hstsIncludeSubDomains && hstsPreload == s.hstsPreload
        && contentTypeOptions == s.contentTypeOptions && Objects.equals(referrerPolicy, s.referrerPolicy)
        && frameOptions == s.frameOptions && removeServer == s.removeServer && removePoweredBy == s.removePoweredBy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(hstsMaxAge, hstsIncludeSubDomains, hstsPreload, contentTypeOptions, referrerPolicy,
        frameOptions, removeServer, removePoweredBy);
  }

  @Override
  public String toString() {
    return Text.fields(this, "hsts", hsts(), "contentTypeOptions", contentTypeOptions, "referrerPolicy",
        referrerPolicy(), "frameOptions", frameOptions(), "removedHeaders", removedHeaders());
  }

  /**
   * Who may show a response in a frame (clickjacking protection).
   *
   * @since 0.2
   */
  public enum FrameOptions {
    /** No page may frame it: {@code X-Frame-Options: DENY}, {@code frame-ancestors 'none'}. */
    DENY("DENY", "frame-ancestors 'none'"),
    /** Only pages of the same origin: {@code SAMEORIGIN}, {@code frame-ancestors 'self'}. */
    SAMEORIGIN("SAMEORIGIN", "frame-ancestors 'self'");

    private final String headerValue;
    private final String contentSecurityPolicy;

    FrameOptions(String headerValue, String contentSecurityPolicy) {
      this.headerValue = headerValue;
      this.contentSecurityPolicy = contentSecurityPolicy;
    }

    /**
     * The {@code X-Frame-Options} value.
     *
     * @return {@code DENY} or {@code SAMEORIGIN}
     */
    public String headerValue() {
      return headerValue;
    }

    /**
     * The {@code Content-Security-Policy} value the gateway sets when the upstream sent no policy.
     *
     * @return the {@code frame-ancestors} directive
     */
    public String contentSecurityPolicy() {
      return contentSecurityPolicy;
    }
  }
}
