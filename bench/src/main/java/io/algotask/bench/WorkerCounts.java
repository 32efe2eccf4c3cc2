package io.algotask.bench;

/**
 * What one worker-app ran, from its Prometheus page: the slots it granted to the tasks of one
 * algorithm (a task's slot is granted by the worker that runs its workflow), and the Temporal SDK's
 * counters of workflow tasks, local activities and completed workflows, over all its task queues.
 */
record WorkerCounts(
    double slotGrants, double workflowTasks, double localActivities, double workflowsCompleted) {
  static final WorkerCounts NONE = new WorkerCounts(0, 0, 0, 0);

  static WorkerCounts parse(String page, String algorithm) {
    return new WorkerCounts(
        sum(page, "algotask_slots_grants_total", "algorithm=\"" + algorithm + "\""),
        sum(page, "temporal_workflow_task_execution_latency_seconds_count", ""),
        sum(page, "temporal_local_activity_total", ""),
        sum(page, "temporal_workflow_completed_total", ""));
  }

  /** The counts since an earlier reading. */
  WorkerCounts since(WorkerCounts earlier) {
    return new WorkerCounts(
        slotGrants - earlier.slotGrants,
        workflowTasks - earlier.workflowTasks,
        localActivities - earlier.localActivities,
        workflowsCompleted - earlier.workflowsCompleted);
  }

  /** The metric's value summed over its label sets that carry the label text. */
  private static double sum(String page, String metric, String label) {
    double sum = 0;
    for (var line : page.split("\n")) {
      if ((line.startsWith(metric + "{") || line.startsWith(metric + " "))
          && line.contains(label)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
