package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;

/**
 * How one attempt ended. Each kind knows whether it ends the task, and how the task ends when it
 * does or when it was the last attempt.
 */
sealed interface AttemptResult {

  /** Whether the task ends here, whatever attempts remain. */
  boolean endsTask();

  /** The task's status if it ends with this attempt. */
  TaskStatus status();

  /** Why the task did not succeed, or null. */
  ErrorCode errorCode();

  /** What went wrong, for the task's error, or null. */
  String message();

  /** The algorithm's output, for a success. */
  default CallbackReport.Output output() {
    return null;
  }

  record Succeeded(CallbackReport.Output output) implements AttemptResult {
    @Override
    public boolean endsTask() {
      return true;
    }

    @Override
    public TaskStatus status() {
      return TaskStatus.SUCCEEDED;
    }

    @Override
    public ErrorCode errorCode() {
      return null;
    }

    @Override
    public String message() {
      return null;
    }
  }

  /** The algorithm refused the task: no other attempt would fare better. */
  record Refused(String message) implements AttemptResult {
    @Override
    public boolean endsTask() {
      return true;
    }

    @Override
    public TaskStatus status() {
      return TaskStatus.FAILED;
    }

    @Override
    public ErrorCode errorCode() {
      return ErrorCode.ALGORITHM_REJECTED;
    }
  }

  /** The algorithm reported failure; one it calls not retryable ends the task at once. */
  record Failed(String message, boolean retryable) implements AttemptResult {
    @Override
    public boolean endsTask() {
      return !retryable;
    }

    @Override
    public TaskStatus status() {
      return TaskStatus.FAILED;
    }

    @Override
    public ErrorCode errorCode() {
      return ErrorCode.ALGORITHM_ERROR;
    }
  }

  /** No send of the attempt was accepted before its deadline. */
  record NotAccepted(String message) implements AttemptResult {
    @Override
    public boolean endsTask() {
      return false;
    }

    @Override
    public TaskStatus status() {
      return TaskStatus.FAILED;
    }

    @Override
    public ErrorCode errorCode() {
      return ErrorCode.ALGORITHM_ERROR;
    }
  }

  /** The algorithm accepted the attempt but did not call back before its deadline. */
  record TimedOut(String message) implements AttemptResult {
    @Override
    public boolean endsTask() {
      return false;
    }

    @Override
    public TaskStatus status() {
      return TaskStatus.TIMED_OUT;
    }

    @Override
    public ErrorCode errorCode() {
      return ErrorCode.EXECUTION_TIMEOUT;
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
