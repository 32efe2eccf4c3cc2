package io.algotask.workflows.task;

import io.algotask.workflows.model.CallbackReport;
import io.algotask.workflows.model.SlotGrant;
import io.algotask.workflows.model.TaskInput;
import io.algotask.workflows.model.TaskOutcome;
import io.algotask.workflows.model.TaskState;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The whole life of one algorithm task: wait for a slot of its algorithm, invoke it, wait for its
 * callback under a durable timer, try again while attempts remain, and report the result.
 */
@WorkflowInterface
public interface AlgorithmTaskWorkflow {

  @WorkflowMethod
  TaskOutcome run(TaskInput input);

  /**
   * A slot was handed to this task by whoever freed it. Duplicates and stale grants are ignored.
   */
  @SignalMethod
  void slotGranted(SlotGrant grant);

  /** The algorithm called back for an attempt. Only the first report of an attempt counts. */
  @SignalMethod
  void callbackReceived(CallbackReport report);

  @QueryMethod
  TaskState state();
}
