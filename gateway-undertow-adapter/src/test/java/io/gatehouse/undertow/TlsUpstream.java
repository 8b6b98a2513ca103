package io.gatehouse.undertow;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

/**
 * An https upstream on 127.0.0.1 (plain Undertow, not the gateway) with a certificate of the
 * {@link TestPki}, optionally asking for or requiring a client certificate (trusting "ca"), and
 * optionally speaking HTTP/2 (ALPN {@code h2}). Each request is answered with, and recorded as,
 * {@code <protocol> client=<subject DN or none> conn=<client port> <path>}.
 */
final class TlsUpstream implements AutoCloseable {
  private final Undertow server;
  private final int port;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  private TlsUpstream(String serverAlias, SslClientAuthMode clientAuth, boolean http2) {
    Undertow.Builder builder = Undertow.builder()
        .setIoThreads(1)
        .setWorkerThreads(2)
        .addHttpsListener(0, "127.0.0.1", context(serverAlias))
        .setServerOption(UndertowOptions.ENABLE_HTTP2, http2)
        .setHandler(this::answer);
    if (clientAuth != null) {
      builder.setSocketOption(Options.SSL_CLIENT_AUTH_MODE, clientAuth);
    }
    server = builder.build();
    server.start();
    port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** HTTP/1.1 only, no client certificate asked for. */
  static TlsUpstream start(String serverAlias) {
    return new TlsUpstream(serverAlias, null, false);
  }

  static TlsUpstream start(String serverAlias, SslClientAuthMode clientAuth, boolean http2) {
    return new TlsUpstream(serverAlias, clientAuth, http2);
  }

  static SSLContext context(String alias) {
    TestPki pki = TestPki.shared();
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(pki.keyStoreOf(alias), TestPki.PASSWORD);
      TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
      trust.init(pki.trustStoreOf("ca"));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void answer(HttpServerExchange exchange) {
    String client = "none";
    SSLSessionInfo tls = exchange.getConnection().getSslSessionInfo();
    try {
      Certificate[] chain = tls == null ? null : tls.getPeerCertificates();
      if (chain != null && chain.length > 0) {
        client = ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
      }
    } catch (Exception noCertificate) {
      // none presented
    }
    int clientPort = ((InetSocketAddress) exchange.getConnection().getPeerAddress()).getPort();
    String line = exchange.getProtocol() + " client=" + client + " conn=" + clientPort + " " + exchange.getRequestPath();
    seen.add(line);
    exchange.getResponseSender().send(line);
  }

  int port() {
    return port;
  }

  /** {@code https://127.0.0.1:port}. */
  String url() {
    return "https://127.0.0.1:" + port;
  }

  /** The requests it answered, in order. */
  List<String> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    server.stop();
  }
}
