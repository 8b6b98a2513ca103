package io.gatehouse.auth;

import java.util.Objects;

/**
 * Mutual TLS ({@link Auth#clientCertificate()}): the request is authenticated by the certificate
 * its client presented in the TLS handshake, which the server has already verified against its
 * trust store (and found current). The certificate comes only from the TLS session, through
 * {@link io.gatehouse.http.Request#clientCertificates()}; a certificate claimed in a header
 * ({@code X-Client-Cert}, {@code X-SSL-Client-Cert}, {@code Client-Cert}) counts for nothing, and
 * such headers are removed from requests this kind accepts, so that an upstream that reads them
 * cannot be misled either.
 *
 * <pre>{@code
 * Gateway.builder()
 *     .route("ledger", r -> r.path("/ledger/**")
 *         .auth(Auth.clientCertificate().idFrom(ClientCertificateAuth.Field.SAN_URI))   // SPIFFE ids
 *         .upstream("http://ledger:8080"));
 * }</pre>
 *
 * <p>The principal's id is taken from {@link #idFrom(Field) one field} of the certificate (its
 * subject DN by default); its claims hold {@code subject}, {@code issuer}, {@code serial}
 * (hexadecimal), {@code san_dns}, {@code san_uri} and {@code san_email} (lists), for access rules
 * and {@code IdentityHeaders.claim(...)}. With {@link #consumers(boolean) consumers(true)} the id
 * names one of the gateway's consumers, whose groups become the roles and whose plan counts for
 * quotas. A request without a certificate gets 401 {@code application/problem+json}; no
 * {@code WWW-Authenticate} challenge exists for TLS client certificates, so this kind adds none.
 *
 * @since 0.2
 */
public final class ClientCertificateAuth implements Auth {
  static final ClientCertificateAuth DEFAULTS = new ClientCertificateAuth(Field.SUBJECT_DN, false);

  private final Field idFrom;
  private final boolean consumers;

  private ClientCertificateAuth(Field idFrom, boolean consumers) {
    this.idFrom = idFrom;
    this.consumers = consumers;
  }

  /**
   * The certificate field that becomes the principal's id.
   *
   * @since 0.2
   */
  public enum Field {
    /** The whole subject distinguished name, as RFC 2253 prints it: {@code CN=billing,O=Example}. */
    SUBJECT_DN,
    /** The subject's common name; a certificate with none, or with several, is rejected. */
    SUBJECT_CN,
    /** The first DNS name among the subject alternative names. */
    SAN_DNS,
    /** The first URI among the subject alternative names, such as a SPIFFE id. */
    SAN_URI,
    /** The first e-mail address (rfc822Name) among the subject alternative names. */
    SAN_EMAIL
  }

  /**
   * Takes the principal's id from this field instead of the subject DN. A certificate that lacks
   * the field is rejected with 401.
   *
   * @param field the field
   * @return a changed copy
   */
  public ClientCertificateAuth idFrom(Field field) {
    return new ClientCertificateAuth(Objects.requireNonNull(field, "field"), consumers);
  }

  /**
   * Whether the id names one of the gateway's consumers ({@code Gateway.Builder.consumer(...)}
   * or a consumer store): then the principal carries that consumer, its groups as roles and its
   * plan, and a certificate whose id is no consumer's is rejected with 401. Off by default.
   *
   * @param lookup true to look the id up among the consumers
   * @return a changed copy
   */
  public ClientCertificateAuth consumers(boolean lookup) {
    return new ClientCertificateAuth(idFrom, lookup);
  }

  /**
   * The field the id is taken from.
   *
   * @return the field
   */
  public Field idFrom() {
    return idFrom;
  }

  /**
   * Whether the id is looked up among the consumers.
   *
   * @return true if it is
   */
  public boolean consumers() {
    return consumers;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientCertificateAuth c && idFrom == c.idFrom && consumers == c.consumers;
  }

  @Override
  public int hashCode() {
    return Objects.hash(idFrom, consumers);
  }

  @Override
  public String toString() {
    return "Auth.clientCertificate(idFrom " + idFrom + (consumers ? ", consumers" : "") + ")";
  }
}
