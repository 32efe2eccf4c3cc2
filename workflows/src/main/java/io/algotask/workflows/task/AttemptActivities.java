package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Closing an attempt on its execution record, the row the callback endpoint sets too: exactly one
 * of the two decides the attempt. Run as local activities.
 */
@ActivityInterface(namePrefix = "Attempt")
public interface AttemptActivities {

  /** Why the workflow closes an attempt without a callback. */
  enum AttemptEnd {
    /** the deadline passed with no callback */
    TIMED_OUT,
    /** the algorithm was never reached or never accepted the attempt before its deadline */
    NOT_ACCEPTED,
    /** the algorithm refused the attempt */
    REJECTED
  }

  /** An attempt the workflow closes, and why. */
  record AttemptClosing(String taskId, int attempt, AttemptEnd end) {}

  /** A running attempt of a task that is being cancelled, and the algorithm to tell. */
  record AttemptCancelling(String taskId, int attempt, String algorithm) {}

  /**
   * Closes an attempt with a compare-and-set on its execution row. Returns the callback that won
   * the row, or null if this close won.
   */
  @ActivityMethod
  CallbackReport close(AttemptClosing closing);

  /**
   * Closes a running attempt of a cancelled task (the same compare-and-set) and, if this close won,
   * tells the algorithm at its cancel endpoint, best effort.
   */
  @ActivityMethod
  void cancel(AttemptCancelling cancelling);
}
