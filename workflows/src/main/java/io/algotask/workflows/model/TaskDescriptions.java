package io.algotask.workflows.model;

import java.time.Duration;
import java.util.Locale;

/**
 * How a task's workflow describes itself to an operator in the Temporal Web UI: the static summary
 * and details it is started with (they travel on its start, and cost nothing after).
 */
public final class TaskDescriptions {
  private TaskDescriptions() {}

  /** One line: the algorithm, the tenant and the priority. */
  public static String summary(TaskInput task) {
    return task.algorithm() + " for " + task.tenant() + ", priority " + task.priority();
  }

  /** The task's id and settings, in Markdown. */
  public static String details(TaskInput task, String replyTopic) {
    var settings = task.settings();
    return "task **"
        + task.taskId()
        + "**, submitted "
        + task.submittedAt()
        + "\n\nqueue timeout "
        + duration(settings.queueTimeout())
        + ", execution timeout "
        + duration(settings.executionTimeout())
        + ", at most "
        + settings.maxAttempts()
        + (settings.maxAttempts() == 1 ? " attempt" : " attempts")
        + "; result to topic "
        + replyTopic;
  }

  /** A duration as an operator reads it: 30m, 1h30m, 45s. */
  public static String duration(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
