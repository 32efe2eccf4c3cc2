package io.algotask.adapters.algorithms;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskExecutionRecords;
import io.algotask.adapters.records.TaskTransitions;
import io.algotask.adapters.registry.AlgorithmRegistry;
import org.springframework.stereotype.Component;

/** Closing the attempt of a task that is being cancelled, and telling its algorithm. */
@Component
public class AttemptCancellation {
  private final TaskExecutionRecords executions;
  private final TaskTransitions transitions;
  private final AlgorithmRegistry registry;
  private final AlgorithmClient algorithms;

  AttemptCancellation(
      TaskExecutionRecords executions,
      TaskTransitions transitions,
      AlgorithmRegistry registry,
      AlgorithmClient algorithms) {
    this.executions = executions;
    this.transitions = transitions;
    this.registry = registry;
    this.algorithms = algorithms;
  }

  /**
   * Closes the attempt with the same compare-and-set as a callback. If it was still open, the
   * algorithm is told at its cancel endpoint (best effort): its slot is about to go to another
   * task.
   */
  public void cancel(String taskId, int attempt, String algorithm) {
    var wasOpen =
        executions.findAttempt(taskId, attempt).map(e -> e.status().isOpen()).orElse(false);
    transitions.closeAttempt(taskId, attempt, ExecutionStatus.CANCELLED);
    var cancelEndpoint = registry.require(algorithm).cancelEndpoint();
    if (wasOpen && cancelEndpoint != null) {
      algorithms.cancel(cancelEndpoint, taskId, attempt);
    }
  }
}
