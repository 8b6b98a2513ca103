package io.gatehouse.impl.proxy;

import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.ingress.BodyLimit;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.pool.LiveTarget;
import io.gatehouse.impl.problem.RetryAfter;
import io.gatehouse.observe.Rejection;
import io.gatehouse.spi.UpstreamException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The problem a client gets when its upstream call failed: 502, or 504 for timeouts; 503 with
 * {@code Retry-After} when no pooled connection came free in time; 413 when the client's body
 * passed the route's cap while streaming; logged once. A failed TLS handshake says which side
 * refused what (untrusted, expired or misnamed certificate, a refused client certificate), from the
 * JDK's exception types, never their messages' details.
 */
final class UpstreamProblems {
  private static final Logger log = LoggerFactory.getLogger(UpstreamProblems.class);

  private UpstreamProblems() {}

  static Response of(RequestState state, String routeId, LiveTarget target, Throwable cause) {
    OptionalLong cap = BodyLimit.exceededCap(cause);
    if (cap.isPresent()) {
      // The client's body passed the route's cap mid-stream; the call was aborted, not the upstream's fault.
      state.reject(Rejection.TOO_LARGE);
      return BodyLimit.tooLarge(cap.getAsLong(), state.requestId());
    }
    if (cause instanceof CancellationException) {
      // The client went away; nobody reads this answer, but the chain still needs one.
      return state.problem(502, "Bad Gateway", "the upstream call was cancelled");
    }
    if (cause instanceof UpstreamException upstream) {
      log.warn("route '{}' request {}: upstream {} failed: {} ({})",
          routeId, state.requestId(), target, upstream.kind(), upstream.getMessage());
      Optional<String> tls = tlsProblem(upstream);
      if (tls.isPresent() && upstream.kind() != UpstreamException.Kind.CONNECT_TIMEOUT
          && upstream.kind() != UpstreamException.Kind.RESPONSE_TIMEOUT) {
        return state.problem(502, "Bad Gateway", tls.get());
      }
      return switch (upstream.kind()) {
        case CONNECT_TIMEOUT -> state.problem(504, "Gateway Timeout", unresolved(upstream)
            ? "the upstream's host name did not resolve in time" : "the upstream did not accept a connection in time");
        case RESPONSE_TIMEOUT -> state.problem(504, "Gateway Timeout", "the upstream did not answer in time");
        case CONNECT_REFUSED -> state.problem(502, "Bad Gateway", unresolved(upstream)
            ? "the upstream's host name did not resolve" : "the upstream could not be reached");
        case CONNECTION_RESET -> state.problem(502, "Bad Gateway", "the upstream closed the connection before answering");
        case PROTOCOL_ERROR -> state.problem(502, "Bad Gateway", "the upstream sent an invalid response");
        case REQUEST_BODY_FAILED -> state.problem(400, "Bad Request", "the request body could not be read");
        case POOL_EXHAUSTED -> poolExhausted(state);
      };
    }
    log.error("route '{}' request {}: upstream {} failed unexpectedly", routeId, state.requestId(), target, cause);
    return state.problem(502, "Bad Gateway", "the upstream call failed");
  }

  /** Alerts an upstream sends when it does not accept the gateway's client certificate, or got none. */
  private static final Set<String> CLIENT_CERTIFICATE_ALERTS = Set.of("certificate_required", "bad_certificate",
      "certificate_unknown", "unknown_ca", "certificate_expired", "certificate_revoked", "unsupported_certificate",
      "access_denied");

  /** What went wrong in TLS with the upstream, if the failure was TLS's. */
  static Optional<String> tlsProblem(Throwable failure) {
    boolean ssl = false;
    String alert = null;
    boolean misnamed = false;
    boolean expired = false;
    boolean untrusted = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException) {
        ssl = true;
        String message = t.getMessage() == null ? "" : t.getMessage();
        if (message.startsWith("Received fatal alert: ")) {
          alert = message.substring("Received fatal alert: ".length()).trim().toLowerCase(Locale.ROOT);
          if (!alert.matches("[a-z_]{1,40}")) {
            alert = "unknown"; // the JDK names the alerts it knows; anything else tells the client nothing useful
          }
        }
        // httpclient5's own verifier (SSLPeerUnverifiedException) says "doesn't match"
        misnamed |= message.contains("doesn't match any of the subject alternative names");
      }
      String message = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof java.security.cert.CertificateException
          && (message.startsWith("No subject alternative") || message.startsWith("No name matching"))) {
        misnamed = true; // the JDK's endpoint identification
      }
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
          || t instanceof CertPathValidatorException v && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
              || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
        expired = true;
      } else if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        untrusted = true;
      }
    }
    if (!ssl) {
      return Optional.empty();
    }
    if (alert != null && CLIENT_CERTIFICATE_ALERTS.contains(alert)) {
      return Optional.of("the upstream refused the TLS handshake: it did not accept the gateway's client certificate,"
          + " or requires one (TLS alert " + alert + ")");
    }
    if (misnamed) {
      return Optional.of("the upstream's TLS certificate does not name the upstream's host");
    }
    if (expired) {
      return Optional.of("the upstream's TLS certificate has expired or is not yet valid");
    }
    if (untrusted) {
      return Optional.of("the upstream's TLS certificate is not signed by an authority the gateway trusts for it");
    }
    return Optional.of("the TLS handshake with the upstream failed" + (alert == null ? "" : " (TLS alert " + alert + ")"));
  }

  private static boolean unresolved(UpstreamException upstream) {
    return upstream.getCause() instanceof UnknownHostException;
  }

  /** Every pooled connection stayed busy: a short, local overload, so the client may come back soon. */
  private static Response poolExhausted(RequestState state) {
    state.reject(Rejection.POOL_EXHAUSTED);
    Response problem = state.problem(503, "Service Unavailable",
        "every connection to the upstream is busy; try again shortly");
    return RetryAfter.on(problem, Duration.ofSeconds(1)); // when a connection frees cannot be known
  }
}
