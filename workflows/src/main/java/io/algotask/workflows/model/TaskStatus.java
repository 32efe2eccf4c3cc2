package io.algotask.workflows.model;

/** The life of a task as business services see it (contract section 1). */
public enum TaskStatus {
  ACCEPTED,
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  REJECTED;

  public boolean isTerminal() {
    return switch (this) {
      case ACCEPTED, QUEUED, RUNNING -> false;
      case SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, REJECTED -> true;
    };
  }
}
