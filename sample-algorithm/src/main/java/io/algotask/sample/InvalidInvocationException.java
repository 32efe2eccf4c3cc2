package io.algotask.sample;

/** An invocation body that breaks a rule; {@link #field()} names the offending JSON field. */
final class InvalidInvocationException extends Exception {
  private final String field;

  InvalidInvocationException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  String field() {
    return field;
  }
}
