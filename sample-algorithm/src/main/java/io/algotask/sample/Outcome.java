package io.algotask.sample;

import java.util.concurrent.CompletionException;

/** How an attempt's work ended: what its callback reports. */
record Outcome(boolean succeeded, long sizeBytes, String errorCode, String errorMessage) {

  static Outcome succeeded(long sizeBytes) {
    return new Outcome(true, sizeBytes, null, null);
  }

  static Outcome failed(String code, String message) {
    return new Outcome(false, 0, code, message);
  }

  static Outcome fromError(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof StepFailedException failure) {
      return failed(failure.code(), failure.getMessage());
    }
    return failed("SAMPLE_INTERNAL_ERROR", String.valueOf(cause));
  }

  String status() {
    return succeeded ? "SUCCEEDED" : "FAILED";
  }

  /** A step of the work (reading input, writing output) failed; {@code code} says which. */
  static final class StepFailedException extends RuntimeException {
    private final String code;

    StepFailedException(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    String code() {
      return code;
    }
  }
}
