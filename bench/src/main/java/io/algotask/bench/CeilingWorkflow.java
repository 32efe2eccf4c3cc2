package io.algotask.bench;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The ceiling scenario's workflow: the least a workflow with one activity can be. */
@WorkflowInterface
public interface CeilingWorkflow {
  @WorkflowMethod(name = "BenchCeilingWorkflow")
  int run(int n);
}
