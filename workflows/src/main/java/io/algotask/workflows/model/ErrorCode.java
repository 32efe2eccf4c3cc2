package io.algotask.workflows.model;

/** Why a task did not succeed (contract section 2). */
public enum ErrorCode {
  INVALID_REQUEST,
  UNKNOWN_ALGORITHM,
  QUEUE_TIMEOUT,
  EXECUTION_TIMEOUT,
  ALGORITHM_ERROR,
  ALGORITHM_REJECTED,
  CANCELLED
}
