package io.algotask.client;

/** A call that could not be made or completed: Algotask unreachable, a timeout, an odd answer. */
public class AlgotaskException extends RuntimeException {
  public AlgotaskException(String message, Throwable cause) {
    super(message, cause);
  }

  public AlgotaskException(String message) {
    super(message);
  }
}
