package io.gatehouse.impl.edge;

import io.gatehouse.edge.SecurityHeaders;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import java.util.List;
import java.util.Optional;

/**
 * Puts one {@link SecurityHeaders} value on responses: HSTS (over TLS only) and {@code nosniff}
 * replace whatever the response has; {@code Referrer-Policy}, {@code X-Frame-Options} and the
 * {@code frame-ancestors} policy are set only where the response has no value of its own (a
 * blank value counts as none); the banners are removed. Immutable.
 */
final class SecurityHeaderWriter {
  static final String HSTS = "Strict-Transport-Security";
  static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
  static final String REFERRER_POLICY = "Referrer-Policy";
  static final String FRAME_OPTIONS = "X-Frame-Options";
  static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";

  private final String hsts; // null for none
  private final boolean contentTypeOptions;
  private final String referrerPolicy; // null for none
  private final String frameOptions; // null for none
  private final String frameAncestors; // null for none
  private final List<String> removed;
  private final boolean none;

  SecurityHeaderWriter(SecurityHeaders headers) {
    this.hsts = headers.hsts().orElse(null);
    this.contentTypeOptions = headers.contentTypeOptions();
    this.referrerPolicy = headers.referrerPolicy().orElse(null);
    this.frameOptions = headers.frameOptions().map(SecurityHeaders.FrameOptions::headerValue).orElse(null);
    this.frameAncestors = headers.frameOptions().map(SecurityHeaders.FrameOptions::contentSecurityPolicy).orElse(null);
    this.removed = headers.removedHeaders();
    this.none = headers.isNone();
  }

  /** Whether this writer leaves every response as it is. */
  boolean isNone() {
    return none;
  }

  /**
   * The response with the headers put on.
   *
   * @param response the upstream's or the gateway's own
   * @param overTls whether the client's request arrived over TLS
   */
  Response apply(Response response, boolean overTls) {
    if (none) {
      return response;
    }
    HttpHeaders in = response.headers();
    HttpHeaders.Builder out = in.toBuilder();
    if (hsts != null && overTls) {
      out.set(HSTS, hsts);
    }
    if (contentTypeOptions) {
      out.set(CONTENT_TYPE_OPTIONS, "nosniff");
    }
    if (referrerPolicy != null && isAbsent(in, REFERRER_POLICY)) {
      out.set(REFERRER_POLICY, referrerPolicy);
    }
    if (frameOptions != null) {
      if (isAbsent(in, FRAME_OPTIONS)) {
        out.set(FRAME_OPTIONS, frameOptions);
      }
      if (isAbsent(in, CONTENT_SECURITY_POLICY)) {
        out.set(CONTENT_SECURITY_POLICY, frameAncestors);
      }
    }
    for (String name : removed) {
      out.remove(name);
    }
    return response.toBuilder().headers(out.build()).build();
  }

  /** No field of this name, or only blank ones, which browsers ignore. */
  private static boolean isAbsent(HttpHeaders headers, String name) {
    List<String> values = headers.all(name);
    for (String v : values) {
      if (!v.isBlank()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return Optional.ofNullable(hsts).orElse("no HSTS") + ", nosniff " + contentTypeOptions + ", referrer "
        + referrerPolicy + ", frames " + frameOptions + ", removes " + removed;
  }
}
