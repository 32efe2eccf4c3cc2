package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The task and execution records, and the result that ends a task. Run as local activities. */
@ActivityInterface(namePrefix = "TaskRecord")
public interface TaskRecordActivities {

  /** Why the workflow closes an attempt without a callback. */
  enum AttemptEnd {
    /** the deadline passed with no callback */
    TIMED_OUT,
    /** the algorithm was never reached or never accepted the attempt before its deadline */
    NOT_ACCEPTED,
    /** the algorithm refused the attempt */
    REJECTED
  }

  /**
   * Closes an attempt with a compare-and-set on its execution row, the same row the callback
   * endpoint sets. Returns the callback that won the row, or null if this close won.
   */
  @ActivityMethod
  CallbackReport closeAttempt(String taskId, int attempt, AttemptEnd end);

  /**
   * Closes a running attempt of a cancelled task (the same compare-and-set as above) and, if this
   * close won, tells the algorithm at its cancel endpoint, best effort.
   */
  @ActivityMethod
  void cancelAttempt(String taskId, int attempt, String algorithm);

  /**
   * How a task ended, to be recorded and published.
   *
   * @param slotToken the slot still held, released in the same step, or null
   * @param output the algorithm's output for a success, or null
   * @param eventId the result's stable id: a retried publish repeats it
   */
  record TaskCompletion(
      String taskId,
      String algorithm,
      int attempts,
      TaskStatus status,
      ErrorCode errorCode,
      String errorMessage,
      CallbackReport.Output output,
      String slotToken,
      String eventId) {}

  /**
   * Ends a task in one step: releases its slot, records the outcome on the task and publishes the
   * result to the task's reply topic. Each part is idempotent, so a retry repeats it safely.
   *
   * @return the output uri that was published, or null
   */
  @ActivityMethod
  String finish(TaskCompletion completion);
}
