package io.algotask.adapters.tokens;

/** A callback token that is missing, malformed, forged, signed by an unknown key or expired. */
public class InvalidCallbackTokenException extends Exception {
  public InvalidCallbackTokenException(String reason) {
    super(reason);
  }
}
