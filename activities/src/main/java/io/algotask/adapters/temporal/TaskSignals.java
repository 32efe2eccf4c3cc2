package io.algotask.adapters.temporal;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.SlotGrant;
import io.algotask.workflows.model.TaskWorkflowIds;
import io.algotask.workflows.task.AlgorithmTaskWorkflow;
import io.temporal.client.WorkflowClient;
import org.springframework.stereotype.Component;

/** Signals to task workflows. A signal is durable once accepted, even while no worker runs. */
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

  private AlgorithmTaskWorkflow workflow(String taskId) {
    return client.newWorkflowStub(AlgorithmTaskWorkflow.class, TaskWorkflowIds.forTask(taskId));
  }
}
