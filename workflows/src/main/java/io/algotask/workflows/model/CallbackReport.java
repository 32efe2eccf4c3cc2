package io.algotask.workflows.model;

/**
 * An algorithm's callback for one attempt (contract section 4), as recorded by api-app and passed
 * to the workflow. It carries no token and no URL.
 */
public record CallbackReport(int attempt, Outcome status, Output output, Error error) {

  /** What the algorithm reported. */
  public enum Outcome {
    SUCCEEDED,
    FAILED
  }

  /** Where the algorithm wrote its output. */
  public record Output(String uri, String contentType, Long sizeBytes) {}

  /** Why the algorithm failed; {@code retryable = false} ends the task at once. */
  public record Error(String code, String message, Boolean retryable) {}

  public boolean succeeded() {
    return status == Outcome.SUCCEEDED;
  }

  /** A failure is retryable unless the algorithm says otherwise. */
  public boolean retryable() {
    return error == null || error.retryable() == null || error.retryable();
  }

  public String describe() {
    if (succeeded()) {
      return "succeeded";
    }
    if (error == null) {
      return "the algorithm reported failure";
    }
    return "the algorithm reported failure: "
        + (error.code() == null ? "" : error.code() + " ")
        + (error.message() == null ? "" : error.message());
  }
}
