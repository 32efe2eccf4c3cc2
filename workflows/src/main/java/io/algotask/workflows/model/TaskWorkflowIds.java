package io.algotask.workflows.model;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Workflow ids derived from task ids, so that every part of the system finds a task's workflow. */
public final class TaskWorkflowIds {
  private static final String PREFIX = "task-";

  private TaskWorkflowIds() {}

  public static String forTask(String taskId) {
    return PREFIX + taskId;
  }

  /**
   * The id of a task's result event: derived from its workflow run, so that whoever publishes the
   * result (the workflow, or the reconciler for a workflow closed from outside) and every resend
   * carry the same one.
   */
  public static String resultEventId(String workflowId, String runId) {
    return UUID.nameUUIDFromBytes(
            (workflowId + "/" + runId + "/result").getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** The task id of a task workflow's id, or null for another workflow. */
  public static String taskIdOf(String workflowId) {
    return workflowId != null && workflowId.startsWith(PREFIX)
        ? workflowId.substring(PREFIX.length())
        : null;
  }
}
