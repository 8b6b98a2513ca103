package io.gatehouse.impl.upstream;

import java.io.IOException;

/**
 * An upstream connection's inbound bytes broke the strict response framing that
 * {@link ResponseFramingGuard} enforces; the connection is closed and the exchange on it fails
 * with {@code PROTOCOL_ERROR}.
 */
final class UpstreamFramingException extends IOException {
  private static final long serialVersionUID = 1L;

  UpstreamFramingException(String message) {
    super(message);
  }
}
