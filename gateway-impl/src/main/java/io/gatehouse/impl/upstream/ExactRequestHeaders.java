package io.gatehouse.impl.upstream;

import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The last request interceptor: it puts back exactly the headers of the call (Host, then the
 * given headers) and keeps only the framing header that the client's content interceptor derived
 * from the entity (Content-Length or Transfer-Encoding: chunked).
 *
 * <p>Why: httpclient5's async client always adds interceptors that cannot be switched off
 * (User-Agent, {@code Connection: keep-alive}, and for plain-HTTP GET/HEAD/OPTIONS an
 * {@code Upgrade: TLS/1.2} offer unless disabled). Undoing their work here, right before the head
 * is written, keeps the upstream's view exact whatever a future client version adds.
 *
 * <p>It runs on an I/O thread once a connection is ready, so it also marks the exchange as
 * dispatched: failures from here on are no longer connect failures.
 */
final class ExactRequestHeaders implements HttpRequestInterceptor {

  @Override
  public void process(HttpRequest request, EntityDetails entity, HttpContext context) {
    if (!(context.getAttribute(UpstreamExchange.ATTRIBUTE) instanceof UpstreamExchange exchange)) {
      return;
    }
    Header contentLength = request.getFirstHeader(HttpHeaders.CONTENT_LENGTH);
    Header transferEncoding = request.getFirstHeader(HttpHeaders.TRANSFER_ENCODING);
    request.setHeaders(exchange.requestHeaders());
    if (transferEncoding != null) {
      request.addHeader(transferEncoding);
    } else if (contentLength != null) {
      request.addHeader(contentLength);
    }
    exchange.dispatched();
  }
}
