package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;

/**
 * How one attempt ended. Each kind knows whether it ends the task, and how the task ends when it
 * does or when it was the last attempt.
 */
sealed interface AttemptResult {

  /** What an attempt's end means for its task. */
  enum Verdict {
    SUCCEEDED(TaskStatus.SUCCEEDED, null, true),
    /** a refusal: no other attempt would fare better */
    REFUSED(TaskStatus.FAILED, ErrorCode.ALGORITHM_REJECTED, true),
    FAILED_FOR_GOOD(TaskStatus.FAILED, ErrorCode.ALGORITHM_ERROR, true),
    FAILED(TaskStatus.FAILED, ErrorCode.ALGORITHM_ERROR, false),
    NOT_ACCEPTED(TaskStatus.FAILED, ErrorCode.ALGORITHM_ERROR, false),
    TIMED_OUT(TaskStatus.TIMED_OUT, ErrorCode.EXECUTION_TIMEOUT, false);

    final TaskStatus status;
    final ErrorCode errorCode;
    final boolean endsTask;

    Verdict(TaskStatus status, ErrorCode errorCode, boolean endsTask) {
      this.status = status;
      this.errorCode = errorCode;
      this.endsTask = endsTask;
    }
  }

  Verdict verdict();

  /** What went wrong, for the task's error, or null. */
  String message();

  /** The algorithm's output, for a success. */
  default CallbackReport.Output output() {
    return null;
  }

  /** Whether the task ends here, whatever attempts remain. */
  default boolean endsTask() {
    return verdict().endsTask;
  }

  /** The task's status if it ends with this attempt. */
  default TaskStatus status() {
    return verdict().status;
  }

  /** Why the task did not succeed, or null. */
  default ErrorCode errorCode() {
    return verdict().errorCode;
  }

  record Succeeded(CallbackReport.Output output) implements AttemptResult {
    @Override
    public Verdict verdict() {
      return Verdict.SUCCEEDED;
    }

    @Override
    public String message() {
      return null;
    }
  }

  /** The algorithm refused the task. */
  record Refused(String message) implements AttemptResult {
    @Override
    public Verdict verdict() {
      return Verdict.REFUSED;
    }
  }

  /** The algorithm reported failure; one it calls not retryable ends the task at once. */
  record Failed(String message, boolean retryable) implements AttemptResult {
    @Override
    public Verdict verdict() {
      return retryable ? Verdict.FAILED : Verdict.FAILED_FOR_GOOD;
    }
  }

  /** No send of the attempt was accepted before its deadline. */
  record NotAccepted(String message) implements AttemptResult {
    @Override
    public Verdict verdict() {
      return Verdict.NOT_ACCEPTED;
    }
  }

  /** The algorithm accepted the attempt but did not call back before its deadline. */
  record TimedOut(String message) implements AttemptResult {
    @Override
    public Verdict verdict() {
      return Verdict.TIMED_OUT;
    }
  }

  /** What the algorithm's callback says of its attempt. */
  static AttemptResult of(CallbackReport callback) {
    if (callback.succeeded()) {
      return new Succeeded(callback.output());
    }
    return new Failed(callback.describe(), callback.retryable());
  }
}
