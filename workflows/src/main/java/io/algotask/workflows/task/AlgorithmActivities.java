package io.algotask.workflows.task;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Duration;
import java.time.Instant;

/** Invoking an algorithm service (contract section 3). */
@ActivityInterface(namePrefix = "Algorithm")
public interface AlgorithmActivities {

  /**
   * One attempt of a task, to be sent to its algorithm until accepted or until its deadline.
   *
   * @param deadline the workflow's estimate, used only when {@code executionTimeout} is absent (an
   *     invocation scheduled before the first send fixed the deadline)
   * @param executionTimeout the attempt's deadline is this long after its first send
   */
  record Invocation(
      String taskId,
      int attempt,
      String algorithm,
      Instant deadline,
      String slotToken,
      Duration executionTimeout) {}

  /**
   * The algorithm's answer to an invocation.
   *
   * @param accepted true for 2xx; false when it refused the task (a 4xx other than 429)
   * @param httpStatus the status of the final answer
   * @param message why it refused, for the task's error
   * @param deadline the attempt's deadline as recorded at its first send; absent in results of
   *     histories from before the first send fixed it
   */
  record InvocationResult(boolean accepted, int httpStatus, String message, Instant deadline) {}

  /**
   * Records the attempt and sends it. The presigned URLs and the callback token are minted here and
   * never leave the activity. The first send fixes the attempt's deadline (contract section 3), and
   * with it the body of every send of the attempt. Busy answers (429, 503) and failures (5xx, no
   * answer) fail the activity so that it is sent again, after Retry-After or with exponential
   * backoff, until that deadline. An attempt found closed, or a task found ended, is not sent.
   */
  @ActivityMethod
  InvocationResult invoke(Invocation invocation);

  /**
   * Sends an attempt whose first send failed, again and again until the algorithm answers it or the
   * deadline passes: after Retry-After, or with exponential backoff. It heartbeats, waiting or
   * sending, and stops at once when cancelled (a send under way is answered first); it ends with a
   * failure that is not retried at the deadline or when the attempt or task is found over.
   */
  @ActivityMethod
  InvocationResult resend(Invocation invocation);
}
