package io.algotask.workflows.task;

import io.algotask.workflows.model.TaskDescriptions;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.model.TaskState;

/**
 * A task's current details as the Temporal Web UI shows them on its workflow's page (Markdown):
 * status, attempt, place in the queue and last error, from what the workflow knows already.
 */
final class TaskDetails {
  private TaskDetails() {}

  static String of(TaskInput task, TaskState state) {
    var details = new StringBuilder("**").append(state.status()).append("**");
    var attempts = state.attempt() + " of " + state.maxAttempts();
    switch (state.status()) {
      case ACCEPTED ->
          details
              .append(": asking for a slot of ")
              .append(task.algorithm())
              .append(", attempts started ")
              .append(attempts);
      case QUEUED ->
          details
              .append(": waiting for a slot of ")
              .append(task.algorithm())
              .append(", place ")
              .append(state.queuePosition())
              .append(" in its queue on joining (0 = next)")
              .append(
                  state.limitOnJoining() == null
                      ? ""
                      : " with " + state.limitOnJoining() + " slots in force")
              .append(", leaving it after ")
              .append(TaskDescriptions.duration(task.settings().queueTimeout()))
              .append(" without one; attempts started ")
              .append(attempts);
      case RUNNING ->
          details
              .append(": attempt ")
              .append(attempts)
              .append(" on ")
              .append(task.algorithm())
              .append(", deadline ")
              .append(state.attemptDeadline());
      default -> details.append(" after attempts ").append(attempts);
    }
    if (state.lastError() != null) {
      details.append("\n\nlast error: ").append(state.lastError());
    }
    return details.toString();
  }
}
