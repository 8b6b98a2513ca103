package io.gatehouse.impl.auth;

import io.gatehouse.auth.ClientCertificateAuth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Mutual TLS: the certificate the adapter took from the TLS session, already verified by the
 * handshake against the server's trust store, becomes the principal. Nothing is read from
 * headers; headers that claim a certificate are removed before the request goes on.
 */
final class ClientCertificateAuthenticator implements Authenticator {
  /** Headers that proxies use to pass a client certificate on (RFC 9440, Envoy, nginx, Apache). */
  static final List<String> CERTIFICATE_HEADERS = List.of("Client-Cert", "Client-Cert-Chain",
      "X-Forwarded-Client-Cert", "X-Client-Cert", "X-SSL-Client-Cert", "SSL-Client-Cert", "X-SSL-Cert");

  private static final int SAN_RFC822 = 1;
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;

  private final ClientCertificateAuth auth;
  private final ConsumerStore store;

  ClientCertificateAuthenticator(ClientCertificateAuth auth, ConsumerStore store) {
    this.auth = auth;
    this.store = store;
  }

  @Override
  public boolean hasCredentials(Request request) {
    return !request.clientCertificates().isEmpty();
  }

  /** No HTTP authentication scheme exists for TLS client certificates: the 401 names none. */
  @Override
  public String challenge() {
    return "";
  }

  @Override
  public CompletionStage<Outcome> authenticate(Request request) {
    X509Certificate certificate = request.clientCertificates().get(0);
    Map<String, Object> claims;
    Optional<String> id;
    try {
      claims = claims(certificate);
      id = id(certificate, claims);
    } catch (CertificateParsingException | NamingException e) {
      return done(Outcome.rejected("", "the client certificate cannot be read", e.toString()));
    }
    if (id.isEmpty()) {
      return done(Outcome.rejected("", "the client certificate has no " + describe(auth.idFrom())));
    }
    Request forwarded = withoutCertificateHeaders(request);
    if (!auth.consumers()) {
      return done(Outcome.accepted(new Principal(id.get(), Principal.Method.CLIENT_CERTIFICATE, Optional.empty(),
          Set.of(), Set.of(), claims), forwarded));
    }
    return store.findById(id.get()).thenApply(found -> found
        .map(consumer -> Outcome.accepted(new Principal(consumer.id(), Principal.Method.CLIENT_CERTIFICATE,
            Optional.of(consumer), Set.of(), consumer.groups(), claims), forwarded))
        .orElseGet(() -> Outcome.rejected("", "the client certificate belongs to no consumer",
            "no consumer with id " + id.get())));
  }

  private Optional<String> id(X509Certificate certificate, Map<String, Object> claims) throws NamingException {
    return switch (auth.idFrom()) {
      case SUBJECT_DN -> Optional.of((String) claims.get("subject")).filter(s -> !s.isEmpty());
      case SUBJECT_CN -> commonName(certificate.getSubjectX500Principal());
      case SAN_DNS -> first(claims, "san_dns");
      case SAN_URI -> first(claims, "san_uri");
      case SAN_EMAIL -> first(claims, "san_email");
    };
  }

  /** The only CN of the subject, unless it is empty or BER-encoded: with several, which one names the client is a guess. */
  static Optional<String> commonName(X500Principal subject) throws NamingException {
    List<String> names = new ArrayList<>(1);
    for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
      // toAttributes() holds every part of a multi-valued RDN (CN=a+O=b), its types without regard to case.
      Attribute cn = rdn.toAttributes().get("CN");
      if (cn != null) {
        for (NamingEnumeration<?> values = cn.getAll(); values.hasMore(); ) {
          names.add(values.next() instanceof String s ? s : "");
        }
      }
    }
    return names.size() == 1 && !names.get(0).isEmpty() ? Optional.of(names.get(0)) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static Optional<String> first(Map<String, Object> claims, String name) {
    List<String> values = (List<String>) claims.get(name);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  private static Map<String, Object> claims(X509Certificate certificate) throws CertificateParsingException {
    Map<String, Object> claims = new HashMap<>();
    claims.put("subject", certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
    claims.put("issuer", certificate.getIssuerX500Principal().getName(X500Principal.RFC2253));
    claims.put("serial", certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
    List<String> dns = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    List<String> emails = new ArrayList<>();
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() < 2 || !(name.get(0) instanceof Integer type) || !(name.get(1) instanceof String value)) {
          continue;
        }
        switch (type) {
          case SAN_DNS -> dns.add(value);
          case SAN_URI -> uris.add(value);
          case SAN_RFC822 -> emails.add(value);
          default -> { }
        }
      }
    }
    claims.put("san_dns", List.copyOf(dns));
    claims.put("san_uri", List.copyOf(uris));
    claims.put("san_email", List.copyOf(emails));
    return claims;
  }

  private static String describe(ClientCertificateAuth.Field field) {
    return switch (field) {
      case SUBJECT_DN -> "subject";
      case SUBJECT_CN -> "single subject common name (CN)";
      case SAN_DNS -> "DNS subject alternative name";
      case SAN_URI -> "URI subject alternative name";
      case SAN_EMAIL -> "e-mail subject alternative name";
    };
  }

  private static Request withoutCertificateHeaders(Request request) {
    HttpHeaders headers = request.headers();
    if (CERTIFICATE_HEADERS.stream().noneMatch(h -> headers.first(h).isPresent())) {
      return request;
    }
    HttpHeaders.Builder b = headers.toBuilder();
    CERTIFICATE_HEADERS.forEach(b::remove);
    return request.toBuilder().headers(b.build()).build();
  }

  private static CompletionStage<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }
}
