package io.algotask.activities;

import io.algotask.adapters.algorithms.AttemptCancellation;
import io.algotask.adapters.logging.TaskLogContext;
import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.task.AttemptActivities;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

@Component("attemptActivities")
public class AttemptActivitiesImpl implements AttemptActivities {
  private final TaskTransitions transitions;
  private final JsonMapper json;
  private final AttemptCancellation cancellation;

  AttemptActivitiesImpl(
      TaskTransitions transitions, JsonMapper json, AttemptCancellation cancellation) {
    this.transitions = transitions;
    this.json = json;
    this.cancellation = cancellation;
  }

  @Override
  public CallbackReport close(AttemptClosing closing) {
    try (var logged = TaskLogContext.of(closing.taskId(), null, closing.attempt())) {
      return transitions
          .closeAttempt(
              closing.taskId(), closing.attempt(), ExecutionStatus.valueOf(closing.end().name()))
          .map(callback -> json.readValue(callback, CallbackReport.class))
          .orElse(null);
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
