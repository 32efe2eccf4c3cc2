package io.algotask.activities;

import io.algotask.adapters.algorithms.AttemptCancellation;
import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.slots.AlgorithmSlots;
import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.task.AttemptActivities;
import io.algotask.workflows.task.AttemptActivities.AttemptEnd;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

@Component("attemptActivities")
public class AttemptActivitiesImpl implements AttemptActivities {
  private final TaskTransitions transitions;
  private final JsonMapper json;
  private final AttemptCancellation cancellation;
  private final AlgorithmSlots slots;

  AttemptActivitiesImpl(
      TaskTransitions transitions,
      JsonMapper json,
      AttemptCancellation cancellation,
      AlgorithmSlots slots) {
    this.transitions = transitions;
    this.json = json;
    this.cancellation = cancellation;
    this.slots = slots;
  }

  /**
   * An accepted attempt that ran out of time is a sign of congestion: an adaptive limit hears of it
   * (one read of the task's algorithm and one script call, on timeouts only).
   */
  @Override
  public CallbackReport close(AttemptClosing closing) {
    try (var logged = TaskLogContext.of(closing.taskId(), null, closing.attempt())) {
      var won =
          transitions.closeAttempt(
              closing.taskId(), closing.attempt(), ExecutionStatus.valueOf(closing.end().name()));
      if (won.isEmpty() && closing.end() == AttemptEnd.TIMED_OUT) {
        transitions
            .algorithmOf(closing.taskId())
            .ifPresent(algorithm -> slots.congested(algorithm, "an attempt timed out"));
      }
      return won.map(callback -> json.readValue(callback, CallbackReport.class)).orElse(null);
    }
  }

  @Override
  public void cancel(AttemptCancelling cancelling) {
    try (var logged =
        TaskLogContext.of(cancelling.taskId(), cancelling.algorithm(), cancelling.attempt())) {
      cancellation.cancel(cancelling.taskId(), cancelling.attempt(), cancelling.algorithm());
    }
  }
}
