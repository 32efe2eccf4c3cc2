package io.algotask.workflows.task;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** How each of a task's activities runs: its timeouts and retries, in one place. */
public final class TaskActivityOptions {

  /** How long one try of a quick step may take: what it waits for must fit well inside. */
  public static final Duration QUICK_STEP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Quick steps against Redis and PostgreSQL: local activities, retried until they succeed (a
   * restart of either must not fail a task). The attempts are set explicitly: a local activity with
   * neither maximum attempts nor a schedule-to-close timeout is not retried at all.
   */
  static final LocalActivityOptions QUICK_STEP =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(QUICK_STEP_TIMEOUT)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofMillis(200))
                  .setMaximumInterval(Duration.ofSeconds(10))
                  .setMaximumAttempts(Integer.MAX_VALUE)
                  .build())
          .build();

  /** Sending an invocation: retried with backoff (or after Retry-After) until the deadline. */
  static final RetryOptions INVOCATION_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofSeconds(30))
          .build();

  /** The longest one send may take, however long the attempt. */
  private static final Duration LONGEST_SEND = Duration.ofSeconds(30);

  /** How long a resending activity may go without a heartbeat before it is sent again elsewhere. */
  private static final Duration RESEND_HEARTBEAT = Duration.ofSeconds(10);

  /** How late after its scheduling the first send of an attempt may still start. */
  private static final Duration FIRST_SEND_ALLOWANCE = Duration.ofMinutes(1);

  private TaskActivityOptions() {}

  /**
   * A quick step with a summary that tells an operator in the Temporal Web UI what it does; the
   * summary rides on the step's marker as its user metadata.
   */
  static LocalActivityOptions quickStep(String summary) {
    return LocalActivityOptions.newBuilder(QUICK_STEP).setSummary(summary).build();
  }

  /** One send, as a local activity; its failure is not retried here but by {@link #resend}. */
  static LocalActivityOptions sendOnce(Duration executionTimeout, String summary) {
    return LocalActivityOptions.newBuilder()
        .setSummary(summary)
        .setStartToCloseTimeout(oneSend(executionTimeout))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  /**
   * The activity that sends again until the deadline. A cancel waits for its end: only then is the
   * attempt closed and the slot handed on, so that no send of this task follows.
   */
  static ActivityOptions resend(Duration executionTimeout, String summary) {
    return ActivityOptions.newBuilder()
        .setSummary(summary)
        .setScheduleToCloseTimeout(executionTimeout.plus(FIRST_SEND_ALLOWANCE))
        .setHeartbeatTimeout(RESEND_HEARTBEAT)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        // sent again only when its worker is lost: it ends itself at the deadline
        .setRetryOptions(INVOCATION_RETRY)
        .build();
  }

  /**
   * Sends retried by Temporal, as histories from before the first send became local recorded them.
   * The activity itself stops sending at the deadline its first send fixed; the schedule-to-close
   * timeout only bounds an activity that never starts (no worker), with room for a late first send.
   */
  static ActivityOptions sendUntilDeadline(Duration executionTimeout, String summary) {
    return ActivityOptions.newBuilder()
        .setSummary(summary)
        .setScheduleToCloseTimeout(executionTimeout.plus(FIRST_SEND_ALLOWANCE))
        .setStartToCloseTimeout(oneSend(executionTimeout))
        .setRetryOptions(INVOCATION_RETRY)
        .build();
  }

  private static Duration oneSend(Duration executionTimeout) {
    return executionTimeout.compareTo(LONGEST_SEND) < 0 ? executionTimeout : LONGEST_SEND;
  }
}
