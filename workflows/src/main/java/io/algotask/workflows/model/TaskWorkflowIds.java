package io.algotask.workflows.model;

/** Workflow ids derived from task ids, so that every part of the system finds a task's workflow. */
public final class TaskWorkflowIds {
  private static final String PREFIX = "task-";

  private TaskWorkflowIds() {}

  public static String forTask(String taskId) {
    return PREFIX + taskId;
  }

  /** The task id of a task workflow's id, or null for another workflow. */
  public static String taskIdOf(String workflowId) {
    return workflowId != null && workflowId.startsWith(PREFIX)
        ? workflowId.substring(PREFIX.length())
        : null;
  }
}
