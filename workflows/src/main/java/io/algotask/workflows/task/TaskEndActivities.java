package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.ErrorCode;
import io.algotask.workflows.model.TaskStatus;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The end of a task: its slot handed on, its outcome recorded, its result published. */
@ActivityInterface(namePrefix = "Task")
public interface TaskEndActivities {

  /**
   * How a task ended.
   *
   * @param attempts the attempts it started
   * @param slotToken the slot still held, released in the same step, or null
   * @param output the algorithm's output for a success, or null
   * @param eventId the result's stable id: a retried publish repeats it
   */
  record TaskEnd(
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
   * Ends a task in one step: releases its slot (handing it to the next waiter), records the outcome
   * on the task and publishes the result to the task's reply topic. Each part is idempotent, so a
   * retry repeats it safely.
   *
   * @return the output uri that was published, or null
   */
  @ActivityMethod
  String endAndPublish(TaskEnd end);
}
