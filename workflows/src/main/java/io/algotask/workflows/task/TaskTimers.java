package io.algotask.workflows.task;

import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A task's timers, each with a summary that tells an operator in the Temporal Web UI what it waits
 * for. The summary rides on the timer's own command as its user metadata: no command is added, and
 * replay does not compare it.
 */
final class TaskTimers {
  private TaskTimers() {}

  /**
   * Waits until the condition holds or the timeout passes; false on the timeout. Issues the same
   * commands as {@code Workflow.await(timeout, condition)} of this SDK, so that running tasks
   * replay: one timer, started even if the condition holds already, and not cancelled when the
   * condition comes first.
   */
  static boolean await(Duration timeout, String summary, Supplier<Boolean> condition) {
    var timer = Workflow.newTimer(timeout, named(summary));
    Workflow.await(() -> timer.isCompleted() || condition.get());
    return !timer.isCompleted();
  }

  /** As {@code Workflow.sleep(duration)}, with a summary. */
  static void sleep(Duration duration, String summary) {
    Workflow.newTimer(duration, named(summary)).get();
  }

  private static TimerOptions named(String summary) {
    return TimerOptions.newBuilder().setSummary(summary).build();
  }
}
