package io.algotask.adapters.algorithms;

import io.algotask.adapters.records.ExecutionStatus;
import io.algotask.adapters.records.TaskStore;
import io.algotask.adapters.registry.AlgorithmRegistry;
import org.springframework.stereotype.Component;

/** Closing the attempt of a task that is being cancelled, and telling its algorithm. */
@Component
public class AttemptCancellation {
  private final TaskStore store;
  private final AlgorithmRegistry registry;
  private final AlgorithmClient algorithms;

  AttemptCancellation(TaskStore store, AlgorithmRegistry registry, AlgorithmClient algorithms) {
    this.store = store;
    this.registry = registry;
    this.algorithms = algorithms;
  }

  /**
   * Closes the attempt with the same compare-and-set as a callback. If it was still open, the
   * algorithm is told at its cancel endpoint (best effort): its slot is about to go to another
   * task.
   */
  public void cancel(String taskId, int attempt, String algorithm) {
    var wasOpen = store.findExecution(taskId, attempt).map(e -> e.status().isOpen()).orElse(false);
    store.closeAttempt(taskId, attempt, ExecutionStatus.CANCELLED);
    var cancelEndpoint = registry.require(algorithm).cancelEndpoint();
    if (wasOpen && cancelEndpoint != null) {
      algorithms.cancel(cancelEndpoint, taskId, attempt);
    }
  }
}
