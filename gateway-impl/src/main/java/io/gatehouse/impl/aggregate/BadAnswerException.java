package io.gatehouse.impl.aggregate;

/** A backend's answer that cannot be used: not JSON, too deep, duplicate names, too large. */
public final class BadAnswerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param reason what is wrong, as the end of a sentence about the backend's answer */
  public BadAnswerException(String reason) {
    super(reason, null, false, false);
  }
}
