package io.algotask.adapters.logging;

import io.algotask.workflows.model.TaskWorkflowIds;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Names the task a thread is handling in the logging context (the MDC), so that every line logged
 * meanwhile carries {@code taskId}, {@code workflowId}, {@code algorithm} and {@code attempt}, in
 * JSON logs as fields of their own. Closing it puts back what the thread had before, so that a
 * pooled thread never carries a task into its next job. Absent values are left out.
 */
public final class TaskLogContext implements AutoCloseable {
  public static final String TASK_ID = "taskId";
  public static final String WORKFLOW_ID = "workflowId";
  public static final String ALGORITHM = "algorithm";
  public static final String ATTEMPT = "attempt";

  private final Map<String, String> before = new LinkedHashMap<>();

  private TaskLogContext() {}

  /** The task, and the attempt when it is about one (0 or less: none). */
  public static TaskLogContext of(String taskId, String algorithm, int attempt) {
    var context = new TaskLogContext();
    context.put(TASK_ID, taskId);
    context.put(WORKFLOW_ID, taskId == null ? null : TaskWorkflowIds.forTask(taskId));
    context.put(ALGORITHM, algorithm);
    context.put(ATTEMPT, attempt > 0 ? Integer.toString(attempt) : null);
    return context;
  }

  public static TaskLogContext of(String taskId, String algorithm) {
    return of(taskId, algorithm, 0);
  }

  /** Sets or, for an absent value, removes the key: nothing of another task stays. */
  private void put(String key, String value) {
    before.put(key, MDC.get(key));
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override
  public void close() {
    before.forEach(
        (key, value) -> {
          if (value == null) {
            MDC.remove(key);
          } else {
            MDC.put(key, value);
          }
        });
  }
}
