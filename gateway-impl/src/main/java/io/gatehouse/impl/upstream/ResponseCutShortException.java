package io.gatehouse.impl.upstream;

import org.apache.hc.core5.http.ConnectionClosedException;

/**
 * The connection was lost after part of a response head had arrived: the upstream had the
 * request, so it must not be sent again on another connection (see
 * {@link UpstreamExchange#failedOnStaleConnection}).
 */
final class ResponseCutShortException extends ConnectionClosedException {
  private static final long serialVersionUID = 1L;

  ResponseCutShortException(String message) {
    super(message);
  }
}
