package io.algotask.client;

/** A task's status (contract section 1); the last five are terminal. */
public enum TaskStatus {
  ACCEPTED,
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  REJECTED;

  /** True for the statuses a task ends with: it changes no more and has its one result. */
  public boolean isTerminal() {
    return ordinal() >= SUCCEEDED.ordinal();
  }
}
