package io.algotask.workflows.task;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Instant;

/** Invoking an algorithm service (contract section 3). */
@ActivityInterface(namePrefix = "Algorithm")
public interface AlgorithmActivities {

  /** One attempt of a task, to be sent to its algorithm until accepted or until the deadline. */
  record Invocation(
      String taskId, int attempt, String algorithm, Instant deadline, String slotToken) {}

  /**
   * The algorithm's answer to an invocation.
   *
   * @param accepted true for 2xx; false when it refused the task (a 4xx other than 429)
   * @param httpStatus the status of the final answer
   * @param message why it refused, for the task's error
   */
  record InvocationResult(boolean accepted, int httpStatus, String message) {}

  /**
   * Records the attempt and sends it. The presigned URLs and the callback token are minted here and
   * never leave the activity. Busy answers (429, 503) and failures (5xx, no answer) fail the
   * activity so that it is sent again, after Retry-After or with exponential backoff.
   */
  @ActivityMethod
  InvocationResult invoke(Invocation invocation);
}
