package io.algotask.adapters.temporal;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.SlotGrant;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.algotask.workflows.task.AlgorithmTaskWorkflow;
import io.temporal.client.WorkflowClient;
import org.springframework.stereotype.Component;

/**
 * Signals and cancellations to task workflows. A signal is durable once accepted, even while no
 * worker runs.
 */
@Component
public class TaskSignals {
  private final WorkflowClient client;

  public TaskSignals(WorkflowClient client) {
    this.client = client;
  }

  public void slotGranted(String taskId, String token) {
    workflow(taskId).slotGranted(new SlotGrant(token));
  }

  public void callbackReceived(String taskId, CallbackReport report) {
    workflow(taskId).callbackReceived(report);
  }

  /**
   * Asks the task's workflow to cancel: it cleans up and ends the task CANCELLED on its own.
   *
   * @throws io.temporal.client.WorkflowNotFoundException when no such workflow runs
   */
  public void cancel(String taskId) {
    client.newUntypedWorkflowStub(TaskWorkflowIds.forTask(taskId)).cancel();
  }

  private AlgorithmTaskWorkflow workflow(String taskId) {
    return client.newWorkflowStub(AlgorithmTaskWorkflow.class, TaskWorkflowIds.forTask(taskId));
  }
}
